import Components
import LogCore
import Logging
import Runtime
import Metrics
import Platform
import Synchronization

/// `logging { write_to = [...] }`: the agent's own log lines, as written to standard error (logfmt or JSON), sent
/// as entries labelled `component="alloy"` (Alloy's label) to the given receivers. The log handler only queues a
/// line (never waits); a task of its own delivers them. Lines logged while that task delivers — by a component of
/// the receiving pipeline, on the delivering task — are not queued again, so a pipeline that logs about each entry
/// cannot feed itself. At most `capacity` lines wait; beyond that they are dropped and counted
/// (`tributary_own_log_entries_dropped_total`).
final class OwnLogForwarder: Sendable {
    static let shared = OwnLogForwarder()
    static let capacity = 10_000

    /// True on the delivering task (and what it calls): lines logged there stay on standard error only.
    @TaskLocal static var delivering = false

    private struct State {
        var receivers: [any LogsReceiver] = []
        var queue: [LogEntry] = []
        var dropped = 0
    }
    private let state = Mutex(State())
    private let wake = WakeSignal()
    private let labels = LabelSet(["component": "alloy"])
    private let droppedCounter = Mutex<Counter?>(nil)

    /// Starts counting drops in the metrics system (once it is set up).
    func enableMetrics() {
        droppedCounter.withLock { $0 = Counter(label: "tributary_own_log_entries_dropped_total") }
    }

    /// The receivers of `write_to` (none: lines are not kept).
    func setReceivers(_ receivers: [any LogsReceiver]) {
        state.withLock {
            $0.receivers = receivers
            if receivers.isEmpty { $0.queue.removeAll() }
        }
    }

    var isActive: Bool { state.withLock { !$0.receivers.isEmpty } }

    /// Queues one formatted line (without its newline); called by the log handler on any thread.
    func offer(_ line: [UInt8], timestamp: Int64) {
        if OwnLogForwarder.delivering { return }
        let queued = state.withLock { s -> Bool? in
            guard !s.receivers.isEmpty else { return nil }
            guard s.queue.count < OwnLogForwarder.capacity else {
                s.dropped += 1
                return false
            }
            s.queue.append(LogEntry(timestamp: timestamp, line: line, labels: labels))
            return true
        }
        switch queued {
        case true?: wake.signal()
        case false?: droppedCounter.withLock { $0?.increment() }
        case nil: break
        }
    }

    /// Delivers queued lines until cancelled.
    func run() async {
        while !Task.isCancelled {
            _ = await wake.wait(timeout: .seconds(1))
            await deliverQueued()
        }
        await deliverQueued()
    }

    /// Sends what is queued now, in one batch.
    func deliverQueued() async {
        let (entries, receivers) = state.withLock { s -> ([LogEntry], [any LogsReceiver]) in
            defer { s.queue.removeAll(keepingCapacity: true) }
            return (s.queue, s.receivers)
        }
        guard !entries.isEmpty, !receivers.isEmpty else { return }
        await OwnLogForwarder.$delivering.withValue(true) {
            await Fanout(receivers).send(EntryBatch(entries))
        }
    }

    /// How many lines were dropped because the queue was full.
    var dropped: Int { state.withLock { $0.dropped } }
}

/// Applies a configuration's `logging` block to the running agent: level and format (unless the command line set
/// them) and the receivers of `write_to`.
struct LoggingApplier: Sendable {
    var levelFlag: String?
    var formatFlag: String?

    /// The level and format: the flags', else the logging block's.
    func setLevelAndFormat(_ graph: ConfigGraph) {
        AgentLogSettings.set(level: Logger.Level(alloyName: levelFlag ?? graph.logging.level) ?? .info,
                             format: LineLogHandler.Format(rawValue: formatFlag ?? graph.logging.format) ?? .logfmt)
    }

    func apply(_ graph: ConfigGraph, controller: Controller, logger: Logger) async {
        setLevelAndFormat(graph)
        let (value, diagnostics) = await controller.loggingWriteTo()
        for d in diagnostics.items { logger.error("logging write_to: \(d.description)") }
        let receivers = (value as? [ReceiverRef])?.map { $0.capsule.receiver } ?? []
        OwnLogForwarder.shared.setReceivers(receivers)
    }
}
