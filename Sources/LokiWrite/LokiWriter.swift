import Platform
import LogCore
import Logging
import Synchronization

/// The engine of `loki.write`: every received batch is appended to the write-ahead log before `receive` returns
/// (that return is the acknowledgement sources wait for); one sender per endpoint delivers the log from its own
/// cursor. A full log back-pressures sources, or drops its oldest segment when so configured.
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

    public init(componentID: String, directory: String, config: WriterConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        let metrics = WriteMetrics(componentID: componentID)
        self.metrics = metrics
        let wal = try WriteAheadLog(directory: directory, maxSize: config.walMaxSize, segmentSize: config.walSegmentSize,
                                    maxSegmentAge: config.walMaxSegmentAge)
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
        // Entries (not records) still to deliver to the endpoint furthest behind: one pass from the earliest position.
        let undelivered = senders.map(\.position).min().map { LokiWriter.entries(in: wal, from: $0) } ?? 0
        if undelivered > 0 {
            logger.info("replaying undelivered entries from the write-ahead log", metadata: ["entries": "\(undelivered)"])
            metrics.replayed(undelivered)
        }
        metrics.wal(bytes: wal.size, segments: wal.segmentCount)
    }

    /// Appends the batch to the log; waits while the log is full (or drops its oldest segment).
    public func receive(_ batch: EntryBatch) async {
        guard !batch.isEmpty else { return }
        let payload = EntryCodec.encode(batch.entries)
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
    /// How many entries the log holds from `position` on, read 4 MiB at a time (never the whole log at once).
    static func entries(in wal: WriteAheadLog, from position: WALPosition) -> Int {
        var count = 0
        var at = position
        while let chunk = try? wal.read(from: at, maxBytes: 4 << 20), let last = chunk.last {
            var records = RecordEntries()
            for r in chunk { try? records.add(r.payload) }
            count += records.entries.count
            at = last.next
        }
        return count
    }
}
