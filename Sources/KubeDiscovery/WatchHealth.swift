import Platform
import Synchronization

/// Whether discovery reaches the API server: the last error of each list-and-watch (cleared once it lists or
/// watches again), and of setting up the client. Unhealthy while any of them fails, naming the first.
public final class WatchHealth: Sendable {
    public struct Status: Sendable, Equatable {
        public var healthy: Bool
        public var message: String
        /// When health last changed (Unix nanoseconds).
        public var since: Int64
    }

    private struct State {
        var errors: [String: String] = [:]
        var order: [String] = []
        var since = WallClock.nowNanoseconds()
    }
    private let state = Mutex(State())

    public init() {}

    func failed(_ what: String, _ message: String) {
        state.withLock { s in
            let wasHealthy = s.errors.isEmpty
            if s.errors[what] == nil { s.order.append(what) }
            s.errors[what] = message
            if wasHealthy { s.since = WallClock.nowNanoseconds() }
        }
    }

    func succeeded(_ what: String) {
        state.withLock { s in
            guard s.errors.removeValue(forKey: what) != nil else { return }
            s.order.removeAll { $0 == what }
            if s.errors.isEmpty { s.since = WallClock.nowNanoseconds() }
        }
    }

    public var status: Status {
        state.withLock { s in
            guard let first = s.order.first, let message = s.errors[first] else {
                return Status(healthy: true, message: "discovery is watching the Kubernetes API", since: s.since)
            }
            return Status(healthy: false, message: "\(first): \(message)", since: s.since)
        }
    }
}
