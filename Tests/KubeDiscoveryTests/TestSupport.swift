import FakeKubeAPI
import Foundation
import LogCore
@testable import KubeDiscovery

/// A throw-away directory.
func temporaryDirectory(_ tag: String) -> String {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("tributary-\(tag)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

/// A fixture document as the fake API server stores it.
func fixtureDocument(_ name: String) throws -> [String: Any] {
    let url = TargetsTests.fixtures.appendingPathComponent(name)
    return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
}

/// A small pod document: one container, on `node`, with an IP.
func podDocument(_ namespace: String, _ name: String, node: String = "node-2", labels: [String: String] = [:], ip: String = "10.42.1.50") -> [String: Any] {
    [
        "apiVersion": "v1", "kind": "Pod",
        "metadata": ["name": name, "namespace": namespace, "uid": "uid-\(namespace)-\(name)", "labels": labels] as [String: Any],
        "spec": ["nodeName": node, "containers": [["name": "main", "image": "busybox:1.36"]]] as [String: Any],
        "status": ["phase": "Running", "podIP": ip, "hostIP": "10.0.0.12",
                   "conditions": [["type": "Ready", "status": "True"]]] as [String: Any],
    ]
}

/// Collects what discovery publishes and lets a test wait for a condition on it.
final class Published: @unchecked Sendable {
    private let lock = NSLock()
    private var latest: [[String: String]] = []
    private var count = 0

    func record(_ targets: [LabelSet]) {
        lock.lock()
        latest = targets.map(\.dictionary)
        count += 1
        lock.unlock()
    }

    var targets: [[String: String]] { lock.lock(); defer { lock.unlock() }; return latest }
    var publications: Int { lock.lock(); defer { lock.unlock() }; return count }

    /// Waits up to `seconds` for `condition` on the latest targets.
    func wait(_ seconds: Double = 10, _ condition: ([[String: String]]) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(targets) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(targets)
    }

    var podNames: Set<String> { Set(targets.compactMap { $0["__meta_kubernetes_pod_name"] }) }
}

/// Waits up to `seconds` for `condition`.
func eventually(_ seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
