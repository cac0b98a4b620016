import FakeLoki
import Foundation

/// How many requests the receiver had taken when each SIGKILL (or receiver outage) struck. The last of them is the
/// batch the agent may have sent without seeing the answer: the only one it may send again.
struct KillPoints {
    private(set) var requests: [Int] = []
    /// SIGKILLs recorded (outages not counted).
    private(set) var count = 0

    /// Called right after the killed agent exited, or the receiver stopped (a request fully received just before
    /// is still being stored).
    mutating func record(_ loki: FakeLoki, outage: Bool = false) {
        Thread.sleep(forTimeInterval: 0.1)
        requests.append(loki.stats.requests)
        if !outage { count += 1 }
    }

    /// Entries received twice whose first copy came in a request that was not the last before a kill, by that
    /// request's number (empty: every duplicate was a batch in flight at a kill).
    func unexplained(_ loki: FakeLoki) -> [Int: Int] {
        let inFlight = Set(requests)
        return loki.stats.duplicatesByFirstRequest.filter { !inFlight.contains($0.key) }
    }

    /// A short account of `unexplained` for a failure message.
    func summary(_ loki: FakeLoki) -> String {
        let u = unexplained(loki)
        return "\(u.values.reduce(0, +)) entries first received in \(u.count) requests that were not in flight at a kill"
    }
}
