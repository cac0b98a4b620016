import Platform
import LogCore
import Logging
import Synchronization

/// The engine of `loki.write`: every received batch is appended to the write-ahead log before `receive` returns
/// (that return is the acknowledgement sources wait for); one sender per endpoint delivers the log from its own
/// cursor. A full log back-pressures sources, or drops its oldest segment when so configured.
///
/// Exactly once from a source into the log: a batch's `SourceProgress` is committed in the same record as its
/// entries, and every new segment starts with all sources' latest marks; at start the writer publishes the marks
/// it finds to the agent's `SourceLedger`, and sources resume from them. Entries a source marks `replayed` (read
/// again only to rebuild a held entry) are not appended again.
public final class LokiWriter: LogsReceiver {
    public let config: WriterConfig
    public let wal: WriteAheadLog
    private let senders: [EndpointSender]
    private let metrics: WriteMetrics
    private let logger: Logger
    private let deadline = DrainDeadline()
    private let roomFreed = WakeSignal()
    /// Appends tried again after the log was full or failed (for tests: a stopping source must not spin).
    let appendAttempts = Mutex(0)
    /// Every source stream's latest committed mark.
    private let marks: SourceMarks

    public init(componentID: String, directory: String, config: WriterConfig, logger: Logger, ledger: SourceLedger? = nil) throws {
        self.config = config
        self.logger = logger
        let metrics = WriteMetrics(componentID: componentID)
        self.metrics = metrics
        let marks = SourceMarks()
        self.marks = marks
        let wal = try WriteAheadLog(directory: directory, maxSize: config.walMaxSize, segmentSize: config.walSegmentSize,
                                    maxSegmentAge: config.walMaxSegmentAge, preamble: { marks.checkpoint() })
        self.wal = wal
        let r = wal.recovery
        if r.corruptRecords > 0 {
            logger.error("write-ahead log had corrupt or torn regions; reading resumes at the next valid record after each",
                         metadata: ["corrupt_regions": "\(r.corruptRecords)", "skipped_bytes": "\(r.truncatedBytes)"])
            metrics.corrupt(r.corruptRecords)
        }
        if !r.missingSegments.isEmpty {
            // Their entries are gone: a segment deleted or emptied by hand is reported, not passed over in silence.
            logger.error("write-ahead log segments are missing or empty; their entries cannot be delivered",
                         metadata: ["segments": "\(r.missingSegments.map(String.init).joined(separator: ","))"])
            metrics.missingSegments(r.missingSegments.count)
        }
        senders = try config.endpoints.map { try EndpointSender(config: $0, wal: wal, writer: config, metrics: metrics, logger: logger) }
        // One pass over the log: the sources' marks, and the entries (not records) still to deliver to the endpoint
        // furthest behind.
        let scan = LokiWriter.scan(wal, undeliveredFrom: senders.map(\.position).min())
        marks.restore(scan.marks)
        ledger?.publish(receiver: componentID, scan.marks)
        if scan.undelivered > 0 {
            logger.info("replaying undelivered entries from the write-ahead log", metadata: ["entries": "\(scan.undelivered)"])
            metrics.replayed(scan.undelivered)
        }
        for s in senders where s.resent > 0 {
            logger.info("sending again the batch that was in flight when the agent stopped",
                        metadata: ["endpoint": "\(s.config.name)", "entries": "\(s.resent)"])
            metrics.resent(s.resent)
        }
        metrics.wal(bytes: wal.size, segments: wal.segmentCount)
    }

    /// What the writer is doing now (for the web API's debug info).
    public struct State: Sendable {
        public struct Endpoint: Sendable {
            public var name: String
            public var url: String
            /// The delivery position (`segment:offset`), and the bytes of the log after it.
            public var position: String
            public var pendingBytes: Int64
            public var lastError: String
        }
        public var walBytes: Int64
        public var walSegments: Int
        public var endpoints: [Endpoint]
    }

    public var state: State {
        let end = wal.end
        let sizes = wal.segmentSizes
        return State(walBytes: sizes.reduce(0) { $0 + $1.size }, walSegments: sizes.count, endpoints: senders.map { s in
            let p = s.position
            let pending = sizes.reduce(Int64(0)) { sum, seg in
                if seg.number < p.segment { return sum }
                if seg.number == p.segment { return sum + max(0, seg.size - p.offset) }
                return sum + seg.size
            }
            return State.Endpoint(name: s.config.name, url: s.url, position: p.description,
                                  pendingBytes: p >= end ? 0 : pending, lastError: s.lastError.withLock { $0 })
        })
    }

    /// Entries of the batches that were in flight at the last stop, sent again first (counted under
    /// `tributary_replayed_entries_total{reason="wal_resend"}`).
    var resentAtStart: Int { senders.reduce(0) { $0 + $1.resent } }

    /// Appends the batch to the log; waits while the log is full (or drops its oldest segment).
    public func receive(_ batch: EntryBatch) async {
        guard !batch.isEmpty else { return }
        let mark = batch.progress?.mark()
        let (payload, count) = EntryCodec.encode(batch.entries, marks: mark.map { [$0] } ?? [])
        // Only entries delivered before a restart, and no position to record: nothing to write.
        guard count > 0 || mark != nil else { return }
        var warned = false
        var failures = 0
        while true {
            do {
                try wal.append(payload)
                break
            } catch where error.kind == .full {
                if config.onFull == .dropOldest {
                    let dropped = wal.dropOldestSegment()
                    var records = RecordEntries()
                    for p in dropped { try? records.add(p) }
                    let entries = records.entries.count
                    let bytes = records.entries.reduce(0) { $0 + Int($1.lineCount) }
                    metrics.dropped(host: "", tenant: "", reason: "wal_full_drop_oldest", entries: entries, bytes: bytes)
                    logger.warning("write-ahead log full: dropped its oldest segment", metadata: ["entries": "\(entries)"])
                    if !dropped.isEmpty { continue }
                }
                if !warned {
                    logger.warning("write-ahead log full: holding sources back until delivery frees room",
                                   metadata: ["bytes": "\(wal.size)", "reason": "\(error.message)"])
                    metrics.dropped(host: "", tenant: "", reason: "wal_full_backpressure", entries: 0, bytes: 0)
                    warned = true
                }
                appendAttempts.withLock { $0 += 1 }
                // Waited out even when the calling source is being stopped: returning would acknowledge entries
                // that are not in the log, and not waiting would spin. The controller's drain timeout bounds it.
                await Task.detached { [roomFreed] in await roomFreed.wait(timeout: .milliseconds(200)) }.value
                releaseDelivered()
            } catch {
                failures += 1
                appendAttempts.withLock { $0 += 1 }
                if failures == 1 || failures % 60 == 0 {
                    logger.error("cannot append to the write-ahead log; retrying every second",
                                 metadata: ["err": "\(error)", "attempts": "\(failures)"])
                }
                await Task.detached { try? await Task.sleep(for: .seconds(1)) }.value
                releaseDelivered()
            }
        }
        if let mark { marks.update(mark) }
        for s in senders { s.appended(payload.count + 8) }
        metrics.wal(bytes: wal.size, segments: wal.segmentCount)
    }

    /// Deletes segments every endpoint has delivered.
    private func releaseDelivered() {
        guard let slowest = senders.map(\.position).min() else { return }
        let before = wal.segmentCount
        wal.release(before: slowest)
        if wal.segmentCount < before { roomFreed.signal() }
        metrics.wal(bytes: wal.size, segments: wal.segmentCount)
    }

    /// Delivers until cancelled; then drains for up to `drainTimeout`, leaving the rest in the log.
    public func run() async {
        let deadline = self.deadline
        let tasks = senders.map { s in Task { await s.run(drainDeadline: { deadline.value }) } }
        var lateCorruption = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: config.fsyncInterval)
            wal.sync()
            releaseDelivered()
            let found = wal.lateCorruption
            if found > lateCorruption {
                logger.error("corrupt write-ahead log records found while reading; skipped to the next valid record",
                             metadata: ["corrupt_regions": "\(found - lateCorruption)"])
                metrics.corrupt(found - lateCorruption)
                lateCorruption = found
            }
        }
        deadline.set(.now + config.drainTimeout)
        for s in senders { s.wake.signal() }
        for t in tasks { await t.value }
        wal.sync()
        releaseDelivered()
    }
}

/// When shutdown started draining, shared with the sender tasks.
final class DrainDeadline: Sendable {
    private let m = Mutex<ContinuousClock.Instant?>(nil)
    var value: ContinuousClock.Instant? { m.withLock { $0 } }
    func set(_ v: ContinuousClock.Instant) { m.withLock { $0 = v } }
}

extension LokiWriter {
    /// Reads the whole log once, 4 MiB at a time (never all of it at once): the latest mark of every source, and
    /// how many entries there are from `undeliveredFrom` on.
    static func scan(_ wal: WriteAheadLog, undeliveredFrom: WALPosition?) -> (marks: [String: SourceMark], undelivered: Int) {
        var found: [String: SourceMark] = [:]
        var count = 0
        var at = wal.start
        while let chunk = try? wal.read(from: at, maxBytes: 4 << 20), let last = chunk.last {
            for r in chunk {
                guard let summary = try? EntryCodec.summary(r.payload) else { continue }
                for m in summary.marks { found[m.key] = m }
                if let from = undeliveredFrom, r.start >= from { count += summary.count }
            }
            at = last.next
        }
        return (found, count)
    }

    /// How many entries the log holds in `range`.
    static func entries(in wal: WriteAheadLog, _ range: Range<WALPosition>) -> Int {
        var count = 0
        var at = range.lowerBound
        while at < range.upperBound, let chunk = try? wal.read(from: at, maxBytes: 4 << 20), let last = chunk.last {
            for r in chunk where r.start < range.upperBound { count += (try? EntryCodec.summary(r.payload).count) ?? 0 }
            at = last.next
        }
        return count
    }
}

/// The latest mark of every source stream a writer committed, written at the start of each new segment. Marks
/// of streams that made no progress for ten minutes are forgotten there: their positions files have long caught up.
final class SourceMarks: Sendable {
    private let table = Mutex<[String: SourceMark]>([:])
    static let forgetAfterSeconds: Int64 = 600

    func restore(_ marks: [String: SourceMark]) { table.withLock { $0 = marks } }
    func update(_ mark: SourceMark) { table.withLock { $0[mark.key] = mark } }

    /// The payload of a record holding every recent mark (nil when there is none).
    func checkpoint() -> [UInt8]? {
        let now = WallClock.nowSeconds
        let kept = table.withLock { t -> [SourceMark] in
            t = t.filter { now - $0.value.made < SourceMarks.forgetAfterSeconds }
            return t.keys.sorted().map { t[$0]! }
        }
        return kept.isEmpty ? nil : EntryCodec.encode([], marks: kept).payload
    }
}
