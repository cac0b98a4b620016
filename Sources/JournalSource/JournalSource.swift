import Platform
import LogCore
import Logging
import Synchronization

/// The engine of one `loki.source.journal` component: reads the systemd journal through a ``JournalReader``,
/// forwards its entries, and saves the cursor of the last acknowledged entry in ``JournalCursorStore``.
///
/// Restarts resume right after the saved cursor: a clean stop loses and repeats nothing. Each batch carries the
/// cursor of its last entry as a `SourceProgress`, which a durable receiver commits with the entries, so after a
/// `kill -9` reading resumes after the later of the positions file's cursor and the one committed with the last
/// batch in the write-ahead log: nothing lost, nothing appended twice. (While a stage holds a journal entry the
/// cursor stays before the batch that first held one, and those entries are read again.) New arguments restart
/// the reader from the saved cursor.
public final class JournalSource: Sendable {
    /// Whether the source can read its journal, and why not.
    public struct Status: Sendable, Equatable {
        public var healthy: Bool
        public var message: String
        /// When the status last changed (Unix nanoseconds).
        public var since: Int64 = WallClock.nowNanoseconds()

        /// The same health and message (whenever they began).
        public static func == (a: Status, b: Status) -> Bool { a.healthy == b.healthy && a.message == b.message }
    }

    /// What the reader reads, how it labels entries, and where they go.
    public struct Settings: Sendable {
        public var config: JournalConfig
        public var labeling: JournalLabeling
        public var forward: Fanout
        public init(config: JournalConfig, labeling: JournalLabeling, forward: Fanout) {
            self.config = config
            self.labeling = labeling
            self.forward = forward
        }
    }

    private struct State {
        var settings: Settings
        var generation = 0
        var reader: JournalReader?
        var status = Status(healthy: true, message: "starting")
        var warnedReasons = Set<JournalSkipReason>()
    }

    public let cursors: JournalCursorStore
    private let componentID: String
    private let state: Mutex<State>
    private let metrics: JournalMetrics
    private let logger: Logger
    private let held = HeldEntries()
    /// How often an acknowledged cursor is written to the positions file.
    public let cursorSyncInterval: Duration
    /// The marks durable receivers recovered at start.
    private let ledger: SourceLedger?

    public init(componentID: String, positionsPath: String, legacyPosition: (file: String, name: String)? = nil,
                settings: Settings, logger: Logger, cursorSyncInterval: Duration = .milliseconds(100),
                ledger: SourceLedger? = nil) throws(FileIOError) {
        self.componentID = componentID
        self.ledger = ledger
        cursors = try JournalCursorStore(path: positionsPath, componentID: componentID, legacy: legacyPosition)
        state = Mutex(State(settings: settings))
        metrics = JournalMetrics(componentID: componentID)
        self.logger = logger
        self.cursorSyncInterval = cursorSyncInterval
    }

    /// The source's health: unhealthy while its journal cannot be opened.
    public var status: Status { state.withLock { $0.status } }

    /// Applies new settings: the reader restarts from the last acknowledged cursor.
    public func update(_ settings: Settings) {
        let old = state.withLock { s -> JournalReader? in
            s.settings = settings
            s.generation += 1
            return s.reader
        }
        old?.stop()
    }

    /// Reads until the task is cancelled, then saves the cursor of the last acknowledged entry.
    public func run() async {
        let syncLoop = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: cursorSyncInterval)
                syncCursor()
            }
        }
        var first = true
        while !Task.isCancelled {
            let (settings, generation) = state.withLock { ($0.settings, $0.generation) }
            let cursor = first ? committedCursor() : cursors.cursor
            first = false
            let reader = JournalReader(config: settings.config, labeling: settings.labeling, cursor: cursor)
            let current = state.withLock { s -> Bool in
                if s.generation == generation { s.reader = reader }
                return s.generation == generation
            }
            if !current { reader.stop() }
            await withTaskCancellationHandler {
                for await event in reader.events { await handle(event, reader, settings.forward) }
            } onCancel: {
                reader.stop()
            }
            reader.stop()
            await reader.waitUntilStopped()
            let replaced = state.withLock { s -> Bool in
                if s.reader === reader { s.reader = nil }
                return s.generation != generation
            }
            // A reader that ended on its own (a journal it could not position in or take a cursor from) is started
            // again, from the last acknowledged cursor, after a pause.
            if !replaced && !Task.isCancelled { try? await Task.sleep(for: .seconds(1)) }
        }
        syncLoop.cancel()
        await syncLoop.value
        if held.isHolding {
            logger.warning("stopping while a stage holds incomplete journal entries; they are read again at the next start")
        }
        syncCursor()
    }

    private func handle(_ event: JournalReader.Event, _ reader: JournalReader, _ forward: Fanout) async {
        switch event {
        case .opened(let from):
            setStatus(Status(healthy: true, message: "journal tailer is running"))
            metrics.open.record(1)
            logger.info("reading the journal", metadata: ["from": "\(from)"])
        case .openFailed(let message):
            setStatus(Status(healthy: false, message: message))
            metrics.open.record(0)
            logger.error("cannot open the journal; trying again", metadata: ["err": "\(message)"])
        case .warning(let message):
            logger.warning("\(message)")
        case .batch(let batch):
            let key = componentID, held = self.held, cursor = batch.cursor
            let progress = SourceProgress(key: key) {
                held.isHolding ? nil : SourceMark(key: key, cursor: cursor, made: WallClock.nowSeconds)
            }
            await forward.send(EntryBatch(batch.entries, held: held, progress: progress))
            // While a stage holds an entry, the cursor stays before the batch that first held one.
            if !held.isHolding { cursors.update(batch.cursor) }
            reader.acknowledge()
            count(batch)
        }
    }

    /// Where to start after a restart: the later of the positions file's cursor and the cursors durable receivers
    /// committed with their last batch of this journal (the earliest of those when there are several).
    private func committedCursor() -> String? {
        let saved = cursors.cursor
        let committed = (ledger?.marks(for: componentID) ?? []).map(\.cursor).filter { !$0.isEmpty }
        guard let oldest = committed.min(by: { JournalCursorOrder.isBefore($0, $1) }) else { return saved }
        guard let saved, !saved.isEmpty else { return oldest }
        return JournalCursorOrder.isBefore(saved, oldest) ? oldest : saved
    }

    private func count(_ batch: JournalReader.Batch) {
        metrics.lines.increment(by: batch.entries.count)
        if batch.caughtUp {
            metrics.lag.record(0)
        } else if batch.lastRealtime > 0 {
            metrics.lag.record(Double(max(0, WallClock.nowNanoseconds() / 1000 - Int64(batch.lastRealtime))) / 1e6)
        }
        for (reason, n) in batch.skipped {
            metrics.dropped[reason]?.increment(by: n)
            metrics.parsingErrors[reason]?.increment(by: n)
            let first = state.withLock { $0.warnedReasons.insert(reason).inserted }
            let metadata: Logger.Metadata = ["reason": "\(reason.rawValue)", "entries": "\(n)"]
            if reason == .relabelDrop {
                logger.debug("journal entries dropped by relabel rules", metadata: metadata)
            } else if first {
                logger.warning("journal entries skipped (counted in tributary_source_journal_dropped_entries_total; further ones are logged at debug level)",
                               metadata: metadata)
            } else {
                logger.debug("journal entries skipped", metadata: metadata)
            }
        }
    }

    private func setStatus(_ status: Status) {
        state.withLock { s in
            if s.status != status { s.status = status }
        }
    }

    private func syncCursor() {
        do throws(FileIOError) { try cursors.sync() } catch {
            logger.error("cannot write the journal positions file", metadata: ["err": "\(error)"])
        }
    }
}
