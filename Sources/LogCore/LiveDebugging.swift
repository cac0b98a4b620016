import Codecs
import Synchronization

/// Live debugging (Alloy's `livedebugging` block): readers attached to a component see the entries it receives
/// (`[IN]`) and emits (`[OUT]`). With no reader a component pays one atomic load per batch; a reader that lags
/// loses chunks (counted), it never slows the pipeline.
public final class LiveDebugHub: Sendable {
    /// Shared with the taps (which must not keep the hub alive).
    final class Switch: Sendable {
        let on = Atomic<Bool>(false)
    }
    private let enabled = Switch()
    private let taps = Mutex<[String: LiveTap]>([:])

    public init() {}

    /// Whether the configuration enables live debugging (`livedebugging { enabled = true }`).
    public var isEnabled: Bool { enabled.on.load(ordering: .relaxed) }
    public func setEnabled(_ on: Bool) { enabled.on.store(on, ordering: .relaxed) }

    /// The tap of component `id` (made on first use; components and readers share it).
    public func tap(for id: String) -> LiveTap {
        taps.withLock { t in
            if let existing = t[id] { return existing }
            let made = LiveTap(componentID: id, enabled: enabled)
            t[id] = made
            return made
        }
    }

    /// The taps made so far (components that can be debugged), for the graph.
    public var allTaps: [LiveTap] { taps.withLock { Array($0.values) } }
}

/// One component's tap: what it receives and emits, offered to the readers attached now, and counted (entries
/// emitted) for the graph's rates while live debugging is enabled.
public final class LiveTap: Sendable {
    public let componentID: String
    private let enabled: LiveDebugHub.Switch
    private let readers = Mutex<[ObjectIdentifier: LiveReader]>([:])
    private let attached = Atomic<Int>(0)
    private let emitted = Atomic<Int>(0)

    init(componentID: String, enabled: LiveDebugHub.Switch) {
        self.componentID = componentID
        self.enabled = enabled
    }

    /// Entries this component emitted since the agent started (while live debugging was enabled).
    public var emittedCount: Int { emitted.load(ordering: .relaxed) }

    /// Which way entries pass the component.
    public enum Direction: String, Sendable {
        case received = "IN"
        case emitted = "OUT"
    }

    /// Offers a batch: counted when emitted, and formatted only for readers that take it (after sampling).
    @inline(__always)
    public func publish(_ entries: [LogEntry], _ direction: Direction) {
        if direction == .emitted && enabled.on.load(ordering: .relaxed) { emitted.add(entries.count, ordering: .relaxed) }
        guard attached.load(ordering: .relaxed) > 0 else { return }
        let current = readers.withLock { Array($0.values) }
        for reader in current {
            for e in entries where !e.replayed { reader.offer { LiveTap.format(e, direction) } }
        }
    }

    public func attach(_ reader: LiveReader) {
        readers.withLock { $0[ObjectIdentifier(reader)] = reader }
        attached.add(1, ordering: .relaxed)
    }

    public func detach(_ reader: LiveReader) {
        if readers.withLock({ $0.removeValue(forKey: ObjectIdentifier(reader)) }) != nil { attached.subtract(1, ordering: .relaxed) }
    }

    /// Alloy's form: `[OUT]: timestamp: <RFC 3339>, entry: <line>, labels: {…}, structured_metadata: {…}`.
    static func format(_ e: LogEntry, _ direction: Direction) -> [UInt8] {
        var out = Array("[\(direction.rawValue)]: timestamp: ".utf8)
        RFC3339.appendNano(e.timestamp, to: &out)
        out += Array(", entry: ".utf8)
        out += e.line
        out += Array(", labels: ".utf8)
        e.labels.appendLogQL(to: &out)
        out += Array(", structured_metadata: {".utf8)
        for (i, m) in e.structuredMetadata.enumerated() {
            if i > 0 { out.append(44) }
            JSONString.append(m.name, to: &out)
            out.append(58)
            JSONString.append(m.value, to: &out)
        }
        out.append(125)
        return out
    }
}

/// One client of live debugging: a bounded queue of formatted entries (`capacity` of them); when the client does
/// not keep up, new ones are dropped and counted. `sampleProbability` < 1 keeps that share of the entries.
public final class LiveReader: Sendable {
    private struct State {
        var queue: [[UInt8]] = []
        var dropped = 0
        var waiter: CheckedContinuation<Void, Never>? = nil
        /// Set by the timer of the current `take`, so that a timeout before the wait begins still ends it.
        var timedOut = false
    }
    private let state = Mutex(State())
    public let capacity: Int
    public let sampleProbability: Double

    public init(capacity: Int = 1000, sampleProbability: Double = 1) {
        self.capacity = capacity
        self.sampleProbability = sampleProbability
    }

    /// Chunks dropped because the client lagged.
    public var dropped: Int { state.withLock { $0.dropped } }

    func offer(_ make: () -> [UInt8]) {
        if sampleProbability < 1 && Double.random(in: 0..<1) >= sampleProbability { return }
        let full = state.withLock { $0.queue.count >= capacity }
        if full {
            state.withLock { $0.dropped += 1 }
            return
        }
        let chunk = make()
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.queue.count >= capacity {
                s.dropped += 1
                return nil
            }
            s.queue.append(chunk)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Everything queued now, waiting up to `timeout` for the first chunk (empty when none came).
    public func take(timeout: Duration) async -> [[UInt8]] {
        let ready = state.withLock { s -> [[UInt8]]? in
            s.timedOut = false
            guard !s.queue.isEmpty else { return nil }
            defer { s.queue = [] }
            return s.queue
        }
        if let ready { return ready }
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            let w = state.withLock { s -> CheckedContinuation<Void, Never>? in
                s.timedOut = true
                defer { s.waiter = nil }
                return s.waiter
            }
            w?.resume()
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if !s.queue.isEmpty || s.timedOut { return true }
                s.waiter = c
                return false
            }
            if resumeNow { c.resume() }
        }
        timer.cancel()
        return state.withLock { s in
            defer { s.queue = [] }
            return s.queue
        }
    }
}
