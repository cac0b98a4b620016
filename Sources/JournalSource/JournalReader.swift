import Platform
import Dispatch
import LogCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Where `loki.source.journal` reads: the journal, which of its entries, and how far back without a cursor.
public struct JournalConfig: Sendable, Equatable {
    /// Empty: the local system journal (`/var/log/journal` and `/run/log/journal`); else one directory.
    public var path: String
    public var matches: JournalMatches
    /// With no saved cursor (or one older than this), start this far back; 0: from the oldest entry.
    public var maxAge: Duration
    /// How long to wait before trying again to open a journal that could not be opened.
    public var reopenInterval: Duration

    public init(path: String = "", matches: JournalMatches = JournalMatches(), maxAge: Duration = .seconds(7 * 3600),
                reopenInterval: Duration = .seconds(10)) {
        self.path = path
        self.matches = matches
        self.maxAge = maxAge
        self.reopenInterval = reopenInterval
    }

    /// What is wrong with these settings, by attribute of the `loki.source.journal` block.
    public var problems: [ConfigProblem] {
        maxAge < .zero ? [ConfigProblem("max_age must not be negative", attribute: "max_age")] : []
    }
}

/// Reads the journal on a thread of its own and hands out batches of mapped entries.
///
/// At most two batches are out at once: the thread takes a credit before reading a batch, and the consumer gives it
/// back with ``acknowledge()`` once the batch was forwarded. A slow `loki.write` therefore pauses reading instead
/// of filling memory. The thread owns the `sd_journal` and closes it when it ends (after ``stop()``).
final class JournalReader: Sendable {
    /// What the reader reports.
    enum Event: Sendable {
        /// The journal is open; reading starts at the described place.
        case opened(String)
        /// The journal could not be opened; another try follows after the reopen interval.
        case openFailed(String)
        /// Something worth a warning that does not stop reading.
        case warning(String)
        /// A batch of entries; ``acknowledge()`` must follow once it was handled.
        case batch(Batch)
    }

    /// Entries read in one go, and what was skipped among them.
    struct Batch: Sendable {
        var entries: [LogEntry] = []
        /// The cursor of the last entry read (forwarded or skipped).
        var cursor = ""
        var skipped: [JournalSkipReason: Int] = [:]
        /// When the last entry read was received (microseconds).
        var lastRealtime: UInt64 = 0
        /// The reader reached the end of the journal.
        var caughtUp = false
    }

    static let maxBatchEntries = 2048
    static let maxBatchBytes = 1 << 20
    /// About 15 MiB of journal file at a typical entry size: how far the mapped pages may grow between trims.
    static let entriesBetweenTrims = 32_768

    let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    /// Starts at zero and is given two credits: libdispatch refuses to free a semaphore whose count is below the one it
    /// was created with, which a reader stopped with a batch out would otherwise have.
    private let credits = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let exited = Completion()

    /// Starts reading `config` from just after `cursor` (nil: `max_age` back).
    init(config: JournalConfig, labeling: JournalLabeling, cursor: String?) {
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        credits.signal()
        credits.signal()
        let started = DedicatedThread.start { [self] in
            defer {
                continuation.finish()
                exited.complete()
            }
            main(config: config, labeling: labeling, cursor: cursor)
        }
        if !started {
            continuation.yield(.openFailed("cannot start the journal reader thread: \(String(cString: strerror(errno)))"))
            continuation.finish()
            exited.complete()
        }
    }

    /// The consumer handled a batch: another may be read.
    func acknowledge() { credits.signal() }

    /// Asks the thread to end (within a tenth of a second); batches not yet handed out are not read.
    func stop() { stopping.store(true, ordering: .releasing) }

    /// Returns once the thread has ended and closed the journal.
    func waitUntilStopped() async { await exited.wait() }

    private var isStopping: Bool { stopping.load(ordering: .acquiring) }

    // MARK: - on the reader thread

    private func main(config: JournalConfig, labeling: JournalLabeling, cursor: String?) {
        guard let journal = open(config) else { return }
        var onFirstEntry = false
        do throws(JournalError) {
            let start = try JournalReader.position(journal, cursor: cursor, maxAgeNanoseconds: config.maxAge.nanoseconds)
            onFirstEntry = start.onFirstEntry
            if let warning = start.warning { continuation.yield(.warning(warning)) }
            if config.path.isEmpty && !journal.hasFiles {
                continuation.yield(.warning("no journal file of this machine under /var/log/journal or /run/log/journal yet: the local journal is the subdirectory named by /etc/machine-id (in a container, mount the host's /etc/machine-id)"))
            }
            continuation.yield(.opened(start.description))
        } catch {
            continuation.yield(.openFailed("cannot position the journal: \(error)"))
            return
        }
        var mapper = JournalEntryMapper(labeling)
        var sinceTrim = 0
        var lastTrim = ContinuousClock.now
        while !isStopping {
            guard credits.wait(timeout: .now() + .milliseconds(100)) == .success else { continue }
            let (batch, failure) = read(journal, &mapper, onEntry: onFirstEntry)
            onFirstEntry = false
            if let batch {
                sinceTrim += batch.entries.count + batch.skipped.values.reduce(0, +)
                continuation.yield(.batch(batch))
            } else {
                credits.signal()
            }
            // Every 32,768 entries while catching up; at most once a second once at the end of the journal.
            if sinceTrim >= JournalReader.entriesBetweenTrims
                || (sinceTrim > 0 && batch?.caughtUp ?? true && ContinuousClock.now - lastTrim >= .seconds(1)) {
                MappedJournalTrimmer.trim()
                sinceTrim = 0
                lastTrim = ContinuousClock.now
            }
            if let failure, failure.lostPlace {
                // Entries were read but their cursor is unknown: start again from the last acknowledged cursor.
                continuation.yield(.warning("cannot read the journal's cursor, reopening: \(failure.error)"))
                return
            }
            if let failure = failure?.error {
                continuation.yield(.warning("cannot read the journal, retrying: \(failure)"))
                usleep(100_000)
            } else if batch?.caughtUp ?? true {
                _ = try? journal.wait(microseconds: 100_000)
            }
        }
    }

    /// Opens the journal, trying again every reopen interval until it opens or the reader is stopped.
    private func open(_ config: JournalConfig) -> SystemJournal? {
        var lastFailure = ""
        let path = JournalReader.absolute(config.path)
        while !isStopping {
            do throws(JournalError) {
                try JournalReader.checkDirectories(path)
                let journal = try SystemJournal(path: path)
                try journal.add(config.matches)
                return journal
            } catch {
                if error.message != lastFailure { continuation.yield(.openFailed(error.message)) }
                lastFailure = error.message
            }
            var waited = Duration.zero
            while waited < config.reopenInterval && !isStopping {
                usleep(50_000)
                waited += .milliseconds(50)
            }
        }
        return nil
    }

    /// `path` made absolute against the working directory (libsystemd wants absolute directories).
    static func absolute(_ path: String) -> String {
        guard !path.isEmpty, !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let cwd = String(cString: buffer)
        return (cwd == "/" ? "" : cwd) + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    /// libsystemd opens a missing or unreadable directory as an empty journal: say so instead of reading nothing.
    static func checkDirectories(_ path: String) throws(JournalError) {
        let dirs = path.isEmpty ? ["/var/log/journal", "/run/log/journal"] : [path]
        var problems: [String] = []
        for d in dirs {
            var st = stat()
            if stat(d, &st) != 0 {
                problems.append("\(d): \(String(cString: strerror(errno)))")
            } else if (st.st_mode & S_IFMT) != S_IFDIR {
                problems.append("\(d): not a directory")
            } else if access(d, R_OK | X_OK) != 0 {
                problems.append("\(d): \(String(cString: strerror(errno)))")
            } else {
                return
            }
        }
        throw JournalError("cannot read the journal: " + problems.joined(separator: "; "))
    }

    /// Where reading starts, and a warning when the saved cursor could not be used as it was.
    struct Start {
        var description: String
        var warning: String?
        /// The journal is on the first entry to read (not before it): the first read takes it without moving.
        var onFirstEntry = false
    }

    /// Positions `journal` so that the next entry read is the first one after `cursor`; without a cursor, or when
    /// the cursor's entry is older than `max_age`, the first entry of the last `max_age` (0: the oldest entry).
    static func position(_ journal: SystemJournal, cursor: String?, maxAgeNanoseconds: Int64) throws(JournalError) -> Start {
        let nowMicros = UInt64(WallClock.nowNanoseconds() / 1000)
        let cutoff: UInt64? = maxAgeNanoseconds > 0 ? nowMicros - min(nowMicros, UInt64(maxAgeNanoseconds / 1000)) : nil
        func fromMaxAge(_ why: String, warning: String? = nil) throws(JournalError) -> Start {
            if let cutoff {
                try journal.seek(realtimeMicroseconds: cutoff)
                return Start(description: "\(why): the entries of the last \(describe(nanoseconds: maxAgeNanoseconds)) (max_age)", warning: warning)
            }
            return Start(description: "\(why): the oldest entry (max_age = 0)", warning: warning)
        }
        guard let cursor, !cursor.isEmpty else { return try fromMaxAge("no saved cursor") }
        do throws(JournalError) { try journal.seek(cursor: cursor) } catch {
            return try fromMaxAge("saved cursor unusable", warning: "the saved cursor \"\(cursor)\" is not a journal cursor (\(error)); reading from max_age")
        }
        guard try journal.next() else {
            return Start(description: "after the saved cursor (no newer entry yet)")
        }
        if let cutoff, (try? journal.realtimeMicroseconds()) ?? 0 < cutoff {
            return try fromMaxAge("saved cursor older than max_age",
                                  warning: "the saved cursor is older than max_age; entries between it and max_age are skipped")
        }
        if journal.isAt(cursor: cursor) {
            return Start(description: "after the saved cursor")
        }
        // The cursor's entry is gone (its file was vacuumed): the entry we are on is the first one after it. (Stepping
        // back with sd_journal_previous would lose it when it is the oldest entry left.)
        return Start(description: "at the first entry after the saved cursor",
                     warning: "the saved cursor's entry is no longer in the journal (vacuumed or rotated away); resuming at the first entry after it",
                     onFirstEntry: true)
    }

    /// Reads up to a batch of entries; the batch is nil when nothing was read. A failure has `lostPlace` when entries
    /// were read past the last cursor handed out but no cursor could be taken for them.
    /// With `onEntry`, the journal is already on the first entry to read.
    private func read(_ journal: SystemJournal, _ mapper: inout JournalEntryMapper, onEntry: Bool) -> (Batch?, (error: JournalError, lostPlace: Bool)?) {
        var batch = Batch()
        var read = 0, bytes = 0
        var failure: JournalError? = nil
        var stay = onEntry
        do throws(JournalError) {
            while read < JournalReader.maxBatchEntries && bytes < JournalReader.maxBatchBytes {
                let moved = stay ? true : try journal.next()
                stay = false
                guard moved else {
                    batch.caughtUp = true
                    break
                }
                read += 1
                switch mapper.map(journal) {
                case .success(let entry):
                    bytes += entry.line.count
                    batch.entries.append(entry)
                case .failure(let reason):
                    batch.skipped[reason, default: 0] += 1
                }
            }
        } catch {
            failure = error
        }
        guard read > 0 else { return (nil, failure.map { ($0, false) }) }
        do throws(JournalError) {
            batch.cursor = try journal.cursor()
        } catch {
            return (nil, (error, true))
        }
        batch.lastRealtime = (try? journal.realtimeMicroseconds()) ?? 0
        return (batch, failure.map { ($0, false) })
    }
}

/// A duration as Go prints one: `7h0m0s`, `90m0s` becomes `1h30m0s`, `1.5s`.
func describe(nanoseconds ns: Int64) -> String {
    let totalSeconds = ns / 1_000_000_000
    let fraction = ns % 1_000_000_000
    let (h, m, s) = (totalSeconds / 3600, totalSeconds / 60 % 60, totalSeconds % 60)
    var seconds = "\(s)"
    if fraction != 0 {
        var digits = String(fraction)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.last == "0" { digits.removeLast() }
        seconds += "." + digits
    }
    if h > 0 { return "\(h)h\(m)m\(seconds)s" }
    if m > 0 { return "\(m)m\(seconds)s" }
    return seconds + "s"
}
