import Platform
import LogCore
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Reads a compressed file (gzip, zlib or bzip2, e.g. a kubelet-rotated `0.log.20261125-100000.gz`) once:
/// waits `initial_delay`, skips the decompressed bytes already acknowledged, forwards the rest line by line,
/// flushes the last unterminated line at the end and keeps the final position, so a finished archive is never
/// forwarded twice. Offsets are in decompressed bytes.
struct CompressedFileReader {
    let path: String
    let labels: LabelSet
    let key: PositionKey
    let ctx: TailerContext
    let decompression: DecompressionConfig

    struct InflateError: Error, CustomStringConvertible {
        var description: String
    }

    func run() async {
        var logger = ctx.logger
        logger[metadataKey: "path"] = "\(path)"
        let metrics = TailerMetrics(componentID: ctx.componentID, path: path)
        ctx.positions.setActive(key, true)
        defer {
            ctx.positions.setActive(key, false)
            metrics.destroy()
        }
        try? await Task.sleep(for: decompression.initialDelay)
        if Task.isCancelled { return }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            logger.error("cannot open compressed file", metadata: ["err": "\(path): \(String(cString: strerror(errno)))"])
            return
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            logger.error("cannot tail file", metadata: ["err": "\(path): is not a regular file"])
            return
        }
        let identity = FileIdentity(st)
        var skip: Int64 = 0
        if let p = ctx.positions.position(for: key), p.identity == nil || p.identity == identity { skip = p.offset }
        if ctx.positions.corruption(for: key) != nil {
            if ctx.config.onPositionsError == .skip {
                logger.error("not reading file: its stored position is corrupt and on_positions_file_error is skip")
                return
            }
            skip = 0
        }

        guard let decompressor = decompression.format.makeDecompressor() else {
            logger.error("cannot initialise the \(decompression.format.rawValue) decompressor")
            return
        }
        var splitter = LineSplitter(encoding: ctx.config.encoding ?? .utf8, maxLineSize: ctx.config.maxLineSize)
        var input = [UInt8](repeating: 0, count: 64 * 1024)
        var output = [UInt8](repeating: 0, count: 256 * 1024)
        var produced: Int64 = 0   // decompressed bytes so far
        var insideStream = false   // bytes read since the last stream end: a file that stops here was cut short
        let encoding = ctx.config.encoding ?? .utf8

        func forward(_ entries: [LogEntry], acked: Int64) async {
            if !entries.isEmpty {
                await ctx.forward.send(EntryBatch(entries))
                metrics.readLines.increment(by: entries.count)
            }
            ctx.positions.update(key, Position(offset: acked, identity: identity))
            metrics.readBytes.record(acked)
        }
        func entry(_ raw: UnsafeRawBufferPointer, _ truncated: Bool) -> LogEntry {
            var (line, replaced) = LineDecoder.decode(raw, encoding)
            if line.last == 13 { line.removeLast() }
            if replaced { metrics.encodingFailures.increment() }
            if truncated { metrics.truncatedLines.increment() }
            return LogEntry(timestamp: WallClock.nowNanoseconds(), line: line, labels: labels)
        }

        readLoop: while !Task.isCancelled {
            let n = input.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                logger.error("cannot read compressed file", metadata: ["err": "\(path): \(String(cString: strerror(errno)))"])
                return
            }
            // At the end of the file the decompressor is still drained: bzip2 consumes a whole block before it
            // gives out its bytes.
            let atEnd = n == 0
            var consumedInput = 0
            while true {
                let (consumed, have, step) = input.withUnsafeBytes { inRaw in
                    output.withUnsafeMutableBytes { outRaw in
                        decompressor.step(UnsafeRawBufferPointer(rebasing: inRaw[consumedInput..<n]), outRaw)
                    }
                }
                consumedInput += consumed
                if consumed > 0 || have > 0 { insideStream = true }
                if case .corrupt(let message) = step {
                    logger.error("corrupt compressed file", metadata: ["err": "\(path): \(message)", "decompressed": "\(produced)"])
                    break readLoop
                }
                if have > 0 {
                    // Skip what was already acknowledged in an earlier run.
                    var start = 0
                    if produced < skip { start = Int(min(Int64(have), skip - produced)) }
                    produced += Int64(have)
                    if start < have {
                        var entries: [LogEntry] = []
                        output.withUnsafeBytes { raw in
                            splitter.feed(UnsafeRawBufferPointer(rebasing: raw[start..<have])) { line, t, _ in entries.append(entry(line, t)) }
                        }
                        await forward(entries, acked: produced - Int64(splitter.pendingBytes))
                    }
                }
                // Concatenated members (gzip) or streams (bzip2) are one file: start the next one.
                if case .streamEnd = step {
                    decompressor.reset()
                    insideStream = false
                }
                if consumed == 0 && have == 0 { break }
            }
            if atEnd {
                if insideStream {
                    logger.warning("compressed file ends inside a stream: truncated, or still being written", metadata: ["decompressed": "\(produced)"])
                }
                break
            }
        }
        var last: [LogEntry] = []
        splitter.flush { line, t in last.append(entry(line, t)) }
        if !Task.isCancelled { await forward(last, acked: produced) }
        metrics.fileBytes.record(produced)
    }
}
