import Platform
import LogCore
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The shared parts every tailer of a component uses.
public struct TailerContext: Sendable {
    public var componentID: String
    public var config: TailerConfig
    public var positions: PositionsStore
    public var forward: Fanout
    public var watcher: DirectoryWatcher?
    /// Bounds how many tailers hold a read buffer at once.
    public var readPermits: AsyncSemaphore
    public var logger: Logger
    /// The marks durable receivers recovered at start: a file resumes from the later of its positions-file entry
    /// and the mark committed with its last batch in the write-ahead log.
    public var ledger: SourceLedger?

    public init(componentID: String, config: TailerConfig, positions: PositionsStore, forward: Fanout,
                watcher: DirectoryWatcher?, readPermits: AsyncSemaphore, logger: Logger, ledger: SourceLedger? = nil) {
        self.componentID = componentID
        self.config = config
        self.positions = positions
        self.forward = forward
        self.watcher = watcher
        self.readPermits = readPermits
        self.logger = logger
        self.ledger = ledger
    }

    /// The key of a file's marks: the component, the path and the target's labels.
    func progressKey(_ key: PositionKey) -> String { componentID + "\u{1F}" + key.path + "\u{1F}" + key.labels }
}

/// Follows one file for one target: reads what is appended, survives rotation (rename + create), copytruncate,
/// deletion and re-creation, and records the position of what downstream acknowledged.
///
/// Offsets: `readOffset` is how far the file has been read into the line splitter; the acknowledged offset,
/// `readOffset − splitter.pendingBytes`, is the end of the last complete line handed downstream (the position).
///
/// Exactly once into the log: each batch carries a `SourceProgress` that a durable receiver commits with the
/// entries (file identity, the acknowledged offset, and the start of the earliest entry a stage still holds).
/// After a crash the tailer resumes from that mark: at the held entry's start, with every line before the
/// committed offset marked `replayed`, so that the held entry is rebuilt whole and nothing else is sent twice.
final class FileTailer {
    let key: PositionKey
    let path: String
    let labels: LabelSet
    let ctx: TailerContext
    let wake = WakeSignal()
    private let metrics: TailerMetrics
    private var logger: Logger

    private var fd: Int32 = -1
    private var identity: FileIdentity?
    private var readOffset: Int64 = 0
    private var splitter: LineSplitter
    private var encoding: TextEncoding
    private var signature: [UInt8] = []
    private var pollInterval: Duration
    private var lastActivity = ContinuousClock.now
    private var lastErrorLog: ContinuousClock.Instant? = nil
    /// Read time of the current chunk, and the last timestamp given: lines read together get the chunk's time,
    /// one nanosecond apart, so that identical lines never share a timestamp (Loki would keep only one).
    private var chunkTime: Int64 = 0
    private var lastTimestamp: Int64 = 0
    /// Entries of this file a downstream stage holds past their batch (CRI partial lines, multiline blocks); a new
    /// file (after rotation or truncation) starts a new record, since its offsets start again.
    private var held = HeldEntries()
    /// The offset last saved, and the one kept while entries without a known origin are held.
    private var savedOffset: Int64 = 0
    private var heldFrom: Int64? = nil
    /// Lines ending at or before this offset were delivered before a restart: they are re-read (marked `replayed`)
    /// only to rebuild an entry a stage held at the crash.
    private var replayUntil: Int64 = -1
    private let progressKey: String

    init(path: String, labels: LabelSet, key: PositionKey, context: TailerContext) {
        self.path = path
        self.labels = labels
        self.key = key
        self.ctx = context
        self.metrics = TailerMetrics(componentID: context.componentID, path: path)
        self.encoding = context.config.encoding ?? .utf8
        self.splitter = LineSplitter(encoding: encoding, maxLineSize: context.config.maxLineSize)
        self.pollInterval = context.config.minPoll
        self.progressKey = context.progressKey(key)
        var l = context.logger
        l[metadataKey: "path"] = "\(path)"
        self.logger = l
    }

    private var ackedOffset: Int64 { readOffset - Int64(splitter.pendingBytes) }
    /// Everything before this offset was delivered: the acknowledged offset, or further while re-reading.
    private var deliveredThrough: Int64 { max(ackedOffset, replayUntil) }
    private var directory: String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        let d = parts.dropLast().joined(separator: "/")
        return d.isEmpty ? "/" : d
    }

    // MARK: running

    func run() async {
        ctx.positions.setActive(key, true)
        let token = ctx.watcher?.register(directory: directory, wake)
        defer {
            if let token { ctx.watcher?.unregister(directory: directory, token: token) }
            closeFile()
            ctx.positions.setActive(key, false)
            metrics.destroy()
        }
        if let problem = ctx.positions.corruption(for: key), ctx.config.onPositionsError == .skip {
            logger.error("not reading file: its stored position is corrupt and on_positions_file_error is skip",
                         metadata: ["err": "\(problem)"])
            return
        }
        guard await start() else { return }
        while !Task.isCancelled {
            if fd >= 0 {
                let n = await readAvailable()
                if n < 0 { return }
                if n > 0 {
                    lastActivity = .now
                    pollInterval = ctx.config.minPoll
                    continue
                }
            }
            await checkFile()
            if Task.isCancelled { break }
            // A held partial line needs its idle timeout checked at the normal pace.
            let watched = token != nil && splitter.pendingBytes == 0
            var timeout = watched ? max(pollInterval, ctx.config.watchedPoll) : pollInterval
            // ...and an open file is looked at again when it becomes due for closing.
            if fd >= 0 { timeout = max(pollInterval, min(timeout, ctx.config.idleClose - (ContinuousClock.now - lastActivity))) }
            let signalled = await wake.wait(timeout: timeout)
            if signalled {
                pollInterval = ctx.config.minPoll
            } else {
                pollInterval = min(pollInterval * 2, ctx.config.maxPoll)
            }
        }
    }

    /// Opens the file and decides where to start. Returns false when the file can never be read (not a regular
    /// file): the error is logged and the tailer ends.
    private func start() async -> Bool {
        var stored = ctx.positions.position(for: key)
        var fromEnd = ctx.config.tailFromEnd
        if let problem = ctx.positions.corruption(for: key) {
            logger.warning("stored position is corrupt", metadata: ["err": "\(problem)", "policy": "\(ctx.config.onPositionsError.rawValue)"])
            stored = nil
            fromEnd = ctx.config.onPositionsError == .restartFromEnd
        }
        stored = committedPosition(stored)
        while !Task.isCancelled {
            switch openFile() {
            case .opened(let st):
                let id = FileIdentity(st)
                let size = Int64(st.st_size)
                if let stored {
                    if stored.identity == nil || stored.identity == id {
                        // Same file: resume; a file now shorter than the position was truncated while we were away.
                        if stored.through <= size {
                            readOffset = stored.offset
                            replayUntil = stored.through > stored.offset ? stored.through : -1
                        } else {
                            readOffset = 0
                        }
                    } else {
                        // Another file now has this name: the one we were reading was rotated while we were away.
                        if let oldID = stored.identity { await finishRotatedFile(identity: oldID, from: stored) }
                        readOffset = 0
                    }
                } else if fromEnd {
                    readOffset = offsetAfterLastNewline(size: size)
                } else {
                    readOffset = 0
                }
                identity = id
                applyByteOrderMark()
                if replayUntil > readOffset {
                    logger.info("re-reading lines delivered before the restart to rebuild entries a stage held",
                                metadata: ["from": "\(readOffset)", "through": "\(replayUntil)"])
                }
                savePosition(ackedOffset, through: deliveredThrough)
                captureSignature()
                return true
            case .notRegular(let what):
                logger.error("cannot tail file", metadata: ["err": "\(path): \(what)"])
                return false
            case .failed(let code):
                if code == ENOENT && stored != nil {
                    // Rotated away while we were down and not re-created yet: finish the old file if it is still there.
                    if let oldID = stored?.identity {
                        await finishRotatedFile(identity: oldID, from: stored!)
                        stored = nil
                        fromEnd = false
                    }
                }
                logThrottled("cannot open file", code: code)
                await wake.wait(timeout: code == ENOENT ? ctx.config.maxPoll : .seconds(5))
            }
        }
        return false
    }

    /// The position to resume from: the positions file's entry, or the mark a durable receiver committed with
    /// this file's last batch when that is later (it is written in the same step as the entries; the positions
    /// file follows within a sync interval). With several receivers, the mark furthest behind.
    private func committedPosition(_ stored: Position?) -> Position? {
        let marks = ctx.ledger?.marks(for: progressKey) ?? []
        guard let first = marks.first else { return stored }
        // Receivers that disagree about the file (one committed past a rotation) → the oldest mark.
        let sameFile = marks.allSatisfy { $0.device == first.device && $0.inode == first.inode }
        let mark = sameFile ? marks.min { $0.through < $1.through }! : marks.min { $0.made < $1.made }!
        let committed = Position(offset: mark.resume, identity: FileIdentity(device: mark.device, inode: mark.inode),
                                 through: mark.through)
        guard let stored, stored.identity == committed.identity else { return committed }
        return stored.through > committed.through ? stored : committed
    }

    private enum OpenResult {
        case opened(stat)
        case notRegular(String)
        case failed(Int32)
    }

    private func openFile() -> OpenResult {
        let f = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if f < 0 { return .failed(errno) }
        var st = stat()
        guard fstat(f, &st) == 0 else {
            let e = errno
            close(f)
            return .failed(e)
        }
        let kind = st.st_mode & S_IFMT
        if kind != S_IFREG {
            close(f)
            return .notRegular(kind == S_IFDIR ? "is a directory" : (kind == S_IFIFO ? "is a FIFO, not a regular file" : "is not a regular file"))
        }
        fd = f
        metrics.fileBytes.record(Int64(st.st_size))
        return .opened(st)
    }

    private func closeFile() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    private func logThrottled(_ message: Logger.Message, code: Int32) {
        let now = ContinuousClock.now
        if let last = lastErrorLog, now - last < .seconds(60) { return }
        lastErrorLog = now
        if code == ENOENT {
            logger.debug(message, metadata: ["err": "\(String(cString: strerror(code)))"])
        } else {
            logger.error(message, metadata: ["err": "\(path): \(String(cString: strerror(code)))"])
        }
    }

    /// The offset just after the last line feed (start of a partial last line), for `tail_from_end`.
    private func offsetAfterLastNewline(size: Int64) -> Int64 {
        var end = size
        var buf = [UInt8](repeating: 0, count: 4096)
        while end > 0 {
            let start = max(0, end - Int64(buf.count))
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(end - start), off_t(start)) }
            if n <= 0 { return size }
            for i in stride(from: n - 1, through: 0, by: -1) where buf[i] == 10 {
                return start + Int64(i) + 1
            }
            end = start
        }
        return 0
    }

    /// Reads the byte-order mark: it forces the encoding, and reading never starts inside it.
    private func applyByteOrderMark() {
        var prefix = [UInt8](repeating: 0, count: 4)
        let n = prefix.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, 0) }
        let (forced, length) = TextEncoding.byteOrderMark(Array(prefix.prefix(max(0, n))))
        if let forced, forced != encoding {
            encoding = forced
            splitter = LineSplitter(encoding: forced, maxLineSize: ctx.config.maxLineSize)
        }
        if readOffset < Int64(length) { readOffset = Int64(length) }
    }

    private func captureSignature() {
        var sig = [UInt8](repeating: 0, count: 64)
        let n = sig.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 64, 0) }
        signature = Array(sig.prefix(max(0, n)))
    }

    /// Whether the first bytes of the open file still match what they were (false after copytruncate + rewrite).
    private func signatureStillMatches() -> Bool {
        guard !signature.isEmpty else { return true }
        var sig = [UInt8](repeating: 0, count: signature.count)
        let n = sig.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        if n < signature.count { return n >= 0 && Array(sig.prefix(n)) == Array(signature.prefix(n)) && n == signature.count }
        return sig == signature
    }

    // MARK: reading

    /// Reads from `readOffset` to the end of the file (or a fairness limit), forwarding each chunk's lines and
    /// recording the acknowledged position. Returns the bytes read, or -1 when the tailer must stop.
    private func readAvailable() async -> Int {
        await ctx.readPermits.acquire()
        defer { ctx.readPermits.release() }
        var buffer = [UInt8](repeating: 0, count: ctx.config.readBufferSize)
        var total = 0
        while !Task.isCancelled && total < 8 * ctx.config.readBufferSize {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(readOffset)) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                logger.error("cannot read file", metadata: ["err": "\(path): \(String(cString: strerror(errno)))"])
                closeFile()
                return total
            }
            if n == 0 { break }
            if total == 0 && readOffset > 0 && !signatureStillMatches() {
                // Truncated and rewritten past our offset (copytruncate): the bytes here are not a continuation.
                await restartTruncatedFile(size: nil)
                return total + 1
            }
            readOffset += Int64(n)
            if signature.count < 64 && readOffset - Int64(n) < 64 { captureSignature() }
            total += n
            var entries: [LogEntry] = []
            chunkTime = WallClock.nowNanoseconds()
            entries.reserveCapacity(n / 128)
            let chunkStart = readOffset - Int64(n)
            var lineStart = chunkStart - Int64(splitter.pendingBytes)
            buffer.withUnsafeBytes { raw in
                splitter.feed(UnsafeRawBufferPointer(rebasing: raw[0..<n])) { line, truncated, end in
                    let lineEnd = chunkStart + Int64(end)
                    entries.append(makeEntry(line, truncated: truncated, origin: lineStart, end: lineEnd))
                    lineStart = lineEnd
                }
            }
            await send(entries)
        }
        return total
    }

    private func makeEntry(_ raw: UnsafeRawBufferPointer, truncated: Bool, origin: Int64, end: Int64) -> LogEntry {
        var (line, replaced) = LineDecoder.decode(raw, encoding)
        if line.last == 13 { line.removeLast() }
        if replaced { metrics.encodingFailures.increment() }
        if truncated { metrics.truncatedLines.increment() }
        lastTimestamp = max(chunkTime, lastTimestamp + 1)
        var e = LogEntry(timestamp: lastTimestamp, line: line, labels: labels)
        e.origin = origin
        if end <= replayUntil {
            e.replayed = true
            metrics.rereadLines.increment()
        }
        return e
    }

    /// Hands entries downstream with the progress they make; once every receiver returned, the position moves to
    /// the acknowledged offset.
    private func send(_ entries: [LogEntry]) async {
        if !entries.isEmpty {
            await ctx.forward.send(EntryBatch(entries, held: held, progress: progress(through: deliveredThrough)))
            metrics.readLines.increment(by: entries.count)
        }
        saveAcknowledgedPosition()
        if replayUntil >= 0 && ackedOffset >= replayUntil { replayUntil = -1 }
    }

    /// The mark a durable receiver commits with a batch that ends at `through`: asked when it commits, after the
    /// stages in between decided what they hold.
    private func progress(through: Int64) -> SourceProgress? {
        guard let identity else { return nil }
        let key = progressKey, held = self.held, fallback = heldFrom ?? savedOffset, acked = ackedOffset
        return SourceProgress(key: key) {
            SourceMark(key: key, device: identity.device, inode: identity.inode,
                       resume: FileTailer.resumeOffset(held, through: acked, fallback: fallback), through: through,
                       made: WallClock.nowSeconds)
        }
    }

    /// Where to resume after a crash: the start of the earliest held entry, else `through`. Held entries of
    /// unknown origin keep `fallback`, the position from before the batch that first held one.
    private static func resumeOffset(_ held: HeldEntries, through: Int64, fallback: Int64) -> Int64 {
        guard held.isHolding else { return through }
        return min(held.earliestOrigin ?? fallback, through)
    }

    /// Saves the acknowledged offset with where to resume when a stage holds an entry of this file.
    private func saveAcknowledgedPosition() {
        if held.isHolding && held.earliestOrigin == nil && heldFrom == nil { heldFrom = savedOffset }
        if !held.isHolding { heldFrom = nil }
        let resume = min(FileTailer.resumeOffset(held, through: ackedOffset, fallback: heldFrom ?? savedOffset), ackedOffset)
        savePosition(resume, through: deliveredThrough, keepHeld: true)
    }

    /// Records this file's position. A new file or a restart from the start forgets a held offset.
    private func savePosition(_ offset: Int64, through: Int64? = nil, keepHeld: Bool = false) {
        if !keepHeld { heldFrom = nil }
        savedOffset = offset
        ctx.positions.update(key, Position(offset: offset, identity: identity, through: through))
        metrics.readBytes.record(through ?? offset)
    }

    /// Forwards the held unterminated line (at rotation, deletion, or after the idle timeout).
    private func flushPartialLine() async {
        var entries: [LogEntry] = []
        chunkTime = WallClock.nowNanoseconds()
        let start = ackedOffset, end = readOffset
        splitter.flush { line, truncated in entries.append(makeEntry(line, truncated: truncated, origin: start, end: end)) }
        await send(entries)
    }

    /// Starts the record of held entries again for a new file (its offsets start again).
    private func startNewFile() {
        held = HeldEntries()
        heldFrom = nil
        replayUntil = -1
    }

    // MARK: change detection

    /// At the end of the file: notices rotation, deletion, truncation and re-creation, flushes an idle partial line
    /// and closes the descriptor of a file that stopped growing.
    private func checkFile() async {
        // Held entries were acknowledged since the last batch: the position may move on.
        if savedOffset < ackedOffset && !held.isHolding { saveAcknowledgedPosition() }
        var st = stat()
        let pathExists = stat(path, &st) == 0
        let pathIdentity = pathExists ? FileIdentity(st) : nil

        if fd >= 0 {
            if !pathExists || pathIdentity != identity {
                await releaseRotatedFile(renamed: pathExists)
                if pathExists { await reopenNewFile() }
                return
            }
            var fst = stat()
            if fstat(fd, &fst) == 0 {
                metrics.fileBytes.record(Int64(fst.st_size))
                if Int64(fst.st_size) < readOffset || !signatureStillMatches() {
                    await restartTruncatedFile(size: Int64(fst.st_size))
                    return
                }
            }
            let idle = ContinuousClock.now - lastActivity
            if splitter.hasPending, let t = ctx.config.partialLineIdleTimeout, idle >= t {
                await flushPartialLine()
            }
            if idle >= ctx.config.idleClose {
                // Keep only the position; re-read a held partial line from the file when it is reopened.
                readOffset = ackedOffset
                splitter.reset()
                closeFile()
            }
            return
        }

        // The descriptor is closed: the file was idle, or we are waiting for it to (re)appear.
        guard pathExists else { return }
        if let identity, pathIdentity == identity {
            if Int64(st.st_size) != readOffset {
                if case .opened = openFile() {
                    if FileIdentity(st) != self.identity { closeFile() }
                    lastActivity = .now
                }
            }
        } else {
            if let old = identity { await finishRotatedFile(identity: old, from: Position(offset: ackedOffset, identity: old)) }
            await reopenNewFile()
        }
    }

    /// The file was truncated in place (copytruncate): forward the held partial line and read it from the start.
    private func restartTruncatedFile(size: Int64?) async {
        logger.info("file was truncated, reading it again from the start",
                    metadata: ["size": "\(size.map(String.init) ?? "?")", "offset": "\(readOffset)"])
        await flushPartialLine()
        splitter.reset()
        startNewFile()
        readOffset = 0
        applyByteOrderMark()
        captureSignature()
        savePosition(ackedOffset)
    }

    /// The open file was renamed away or deleted: read what is left (also late writes during a short grace
    /// period), forward the partial last line, then let it go.
    private func releaseRotatedFile(renamed: Bool) async {
        logger.debug(renamed ? "file was rotated" : "file was deleted")
        try? await Task.sleep(for: ctx.config.rotationGrace)
        while !Task.isCancelled, fd >= 0, await readAvailable() > 0 {}
        await flushPartialLine()
        closeFile()
    }

    private func reopenNewFile() async {
        guard case .opened(let st) = openFile() else { return }
        identity = FileIdentity(st)
        startNewFile()
        splitter = LineSplitter(encoding: ctx.config.encoding ?? .utf8, maxLineSize: ctx.config.maxLineSize)
        encoding = ctx.config.encoding ?? .utf8
        readOffset = 0
        applyByteOrderMark()
        captureSignature()
        savePosition(ackedOffset)
        lastActivity = .now
    }

    /// Reads the rest of a file that was rotated while its descriptor was closed (or while Tributary was down):
    /// looks for it by identity among the siblings named `<name>.*` and reads it from `offset` to the end.
    private func finishRotatedFile(identity old: FileIdentity, from position: Position) async {
        let offset = position.offset
        let base = String(path.split(separator: "/").last ?? "")
        guard let dir = opendir(directory) else { return }
        var candidates: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(base + ".") && !name.hasSuffix(".gz") && !name.hasSuffix(".tmp") { candidates.append(name) }
        }
        closedir(dir)
        for name in candidates {
            let full = directory + "/" + name
            var st = stat()
            guard stat(full, &st) == 0, FileIdentity(st) == old, Int64(st.st_size) > offset else { continue }
            let f = open(full, O_RDONLY | O_CLOEXEC)
            guard f >= 0 else { continue }
            logger.info("reading the rest of a file rotated while it was not being read", metadata: ["rotated": "\(full)", "offset": "\(offset)"])
            let savedFD = fd, savedOffset = readOffset, savedSplitter = splitter, savedIdentity = identity
            let savedHeld = held, savedReplay = replayUntil
            fd = f
            identity = old
            readOffset = offset
            held = HeldEntries()
            replayUntil = position.through > offset ? position.through : -1
            splitter = LineSplitter(encoding: encoding, maxLineSize: ctx.config.maxLineSize)
            while !Task.isCancelled, await readAvailable() > 0 {}
            await flushPartialLine()
            close(f)
            fd = savedFD
            readOffset = savedOffset
            splitter = savedSplitter
            identity = savedIdentity
            held = savedHeld
            replayUntil = savedReplay
            return
        }
    }
}
