// Benchmark of discovery.kubernetes (issue 7's budget): 5,000 pods on this node's watch, served by the fake API
// server on loopback. Prints the memory discovery holds for them, the time of the initial list, and how long a
// watch event takes to become an updated target list (pod added, changed, deleted), over many events.
//
//   swift build -c release --product DiscoveryBenchmark
//   .build/release/DiscoveryBenchmark [pods] [path/to/tributary]
//
// With a tributary binary it also runs the real agent "in cluster" against the fake API server (TLS, token) with
// examples/kubernetes.alloy's discovery and relabelling, and reports the agent's resident memory once it watches.
import FakeKubeAPI
import Foundation
import TestTLS
import HTTPClientSupport
import KubeDiscovery
import LogCore
import Logging
import Synchronization

/// Resident memory of this process, from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// glibc's `malloc_trim`: hands freed heap pages back to the kernel, so that RSS shows what is live.
@_silgen_name("malloc_trim") func glibcMallocTrim(_ pad: Int) -> Int32
func liveBytes() -> Int {
    _ = glibcMallocTrim(0)
    return residentBytes()
}

/// A pod shaped like the Airflow scheduler pods of the homelab: two containers (one with a port), one init
/// container, the usual labels and annotations.
func pod(_ i: Int, generation: Int = 0) -> [String: Any] {
    let name = "airflow-task-\(i)"
    let uid = String(format: "%08x-9edd-45e7-ad45-%012x", i, i)
    return [
        "apiVersion": "v1", "kind": "Pod",
        "metadata": [
            "name": name, "namespace": "airflow-\(i % 20)", "uid": uid, "resourceVersion": "1",
            "labels": ["app.kubernetes.io/name": "airflow", "component": "worker", "release": "airflow", "tier": "airflow",
                       "pod-template-hash": "7cz27m26c", "generation": String(generation)],
            "annotations": ["checksum/airflow-config": String(repeating: "5b3c7f0b", count: 8),
                            "cluster-autoscaler.kubernetes.io/safe-to-evict": "true",
                            "kubectl.kubernetes.io/restartedAt": "2026-11-20T08:14:03Z"],
            "ownerReferences": [["apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "airflow-worker-7cz27m26c", "controller": true,
                                 "uid": "0f5cb2a1-8a7d-4a84-9d44-2d3fb1a0c7e1"]],
        ] as [String: Any],
        "spec": [
            "nodeName": "node-2",
            "containers": [
                ["name": "worker", "image": "apache/airflow:2.10.3", "ports": [["name": "worker-logs", "containerPort": 8793, "protocol": "TCP"]]],
                ["name": "log-groomer", "image": "apache/airflow:2.10.3"],
            ],
            "initContainers": [["name": "wait-for-airflow-migrations", "image": "apache/airflow:2.10.3"]],
        ] as [String: Any],
        "status": [
            "phase": "Running", "podIP": "10.42.\(i / 250).\(i % 250)", "hostIP": "10.0.0.12",
            "conditions": [["type": "Ready", "status": "True"], ["type": "PodScheduled", "status": "True"]],
            "containerStatuses": [["name": "worker", "containerID": "containerd://\(uid)a"], ["name": "log-groomer", "containerID": "containerd://\(uid)b"]],
            "initContainerStatuses": [["name": "wait-for-airflow-migrations", "containerID": "containerd://\(uid)c"]],
        ] as [String: Any],
    ]
}

/// Records each publication with its time.
final class Publications: Sendable {
    let state = Mutex<(count: Int, last: [LabelSet], at: ContinuousClock.Instant)>((0, [], .now))
    func record(_ t: [LabelSet]) { state.withLock { $0 = ($0.count + 1, t, .now) } }
}

/// `VmRSS` and `VmHWM` of a process, in MiB.
func memory(of pid: Int32) -> (rss: Double, peak: Double) {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
    func field(_ name: String) -> Double {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
    return (field("VmRSS:"), field("VmHWM:"))
}

/// Resident memory of the real agent once it watches, and after pods keep coming, in MiB.
struct AgentMemory {
    var settled: Double
    var churned: Double
    var peak: Double
}

/// The real agent with the example's discovery and relabelling, in-cluster against the fake API server, on node
/// `nodeName` (a node without pods gives the agent's memory without any target).
func agentMemory(binary: String, pods: Int, nodeName: String, discoveryOnly: Bool = false) async throws -> AgentMemory {
    let certs = try TestCertificates()
    let api = try FakeKubeAPI(token: "bench-token", certificatePEM: certs.certificatePEM, keyPEM: certs.keyPEM)
    try api.start()
    for i in 0..<pods { api.put(pod(i)) }
    let dir = certs.directory
    try "bench-token".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
    try FileManager.default.copyItem(atPath: certs.caFile, toPath: dir + "/ca.crt.sa")
    try FileManager.default.createDirectory(atPath: dir + "/sa", withIntermediateDirectories: true)
    try FileManager.default.moveItem(atPath: dir + "/token", toPath: dir + "/sa/token")
    try FileManager.default.moveItem(atPath: dir + "/ca.crt.sa", toPath: dir + "/sa/ca.crt")
    // DISCOVERY_BENCH_CONFIG=FILE measures another configuration (same placeholders) instead of the example.
    let configPath = ProcessInfo.processInfo.environment["DISCOVERY_BENCH_CONFIG"] ?? "examples/kubernetes.alloy"
    var config = try String(contentsOfFile: configPath, encoding: .utf8)
    if discoveryOnly, let cut = config.range(of: "\ndiscovery.relabel") { config = String(config[..<cut.lowerBound]) + "\n" }
    config = config.replacingOccurrences(of: "/var/log/pods/", with: dir + "/no-logs/")
    config = config.replacingOccurrences(of: "http://loki-gateway.monitoring.svc.cluster.local", with: "http://127.0.0.1:9")
    try config.write(toFile: dir + "/k.alloy", atomically: true, encoding: .utf8)
    let agent = Process()
    agent.executableURL = URL(fileURLWithPath: binary)
    agent.arguments = ["run", dir + "/k.alloy", "--storage.path", dir + "/data", "--server.http.listen-addr", "127.0.0.1:0", "--log.level", "warn"]
    agent.environment = ProcessInfo.processInfo.environment.merging(
        ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(api.port), "TRIBUTARY_SERVICEACCOUNT_DIR": dir + "/sa", "NODE_NAME": nodeName]) { _, b in b }
    try agent.run()
    let start = ContinuousClock.now
    while api.watchCount == 0 && ContinuousClock.now - start < .seconds(120) { try await Task.sleep(for: .milliseconds(20)) }
    try await Task.sleep(for: .seconds(3))
    let settled = memory(of: agent.processIdentifier)
    for round in 0..<50 {
        api.put(pod(pods + round))
        try await Task.sleep(for: .milliseconds(100))
    }
    try await Task.sleep(for: .seconds(2))
    let churned = memory(of: agent.processIdentifier)
    kill(agent.processIdentifier, SIGTERM)
    agent.waitUntilExit()
    api.shutdown()
    return AgentMemory(settled: settled.rss, churned: churned.rss, peak: churned.peak)
}

/// The agent's memory with `pods` pods on its node, less its memory watching a node without pods: with the
/// configuration's `discovery.kubernetes` alone (the text before its first `discovery.relabel`), then whole.
func agentDiscoveryMemory(binary: String, pods: Int) async throws {
    let empty = try await agentMemory(binary: binary, pods: pods, nodeName: "node-without-pods")
    let alone = try await agentMemory(binary: binary, pods: pods, nodeName: "node-2", discoveryOnly: true)
    let whole = try await agentMemory(binary: binary, pods: pods, nodeName: "node-2")
    func f(_ x: Double) -> String { String(format: "%.1f", x) }
    func line(_ name: String, _ m: AgentMemory) -> String {
        "  \(name): \(f(m.settled)) MiB settled (+\(f(m.settled - empty.settled))), \(f(m.churned)) MiB after 50 more pods (+\(f(m.churned - empty.settled))), peak \(f(m.peak)) MiB"
    }
    print("agent (\(ProcessInfo.processInfo.environment["DISCOVERY_BENCH_CONFIG"] ?? "examples/kubernetes.alloy"), \(pods) pods):")
    print("  watching a node without pods: \(f(empty.settled)) MiB")
    print(line("discovery.kubernetes alone", alone))
    print(line("whole configuration", whole))
}

/// The benchmark itself, outside top-level code so that nothing in it is bound to the main actor.
enum DiscoveryBench {
    static func run() async throws {
        let podCount = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5000 : 5000
        let api = try FakeKubeAPI()
        try api.start()
        for i in 0..<podCount { api.put(pod(i)) }
        let before = residentBytes()
        let heapBefore = liveBytes()

        var config = DiscoveryConfig(role: .pod, connection: .apiServer(url: api.url, settings: HTTPClientSettings()))
        config.selectors = [.init(role: "pod", label: nil, field: "spec.nodeName=node-2")]
        config.publishInterval = .zero
        let publications = Publications()
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let discovery = KubernetesDiscovery(config: config, componentID: "discovery.kubernetes.bench", logger: logger) { publications.record($0) }
        let start = ContinuousClock.now
        let runner = Task { await discovery.run() }
        while publications.state.withLock({ $0.last.count }) < podCount * 3 { try await Task.sleep(for: .milliseconds(5)) }
        let listed = ContinuousClock.now - start
        try await Task.sleep(for: .milliseconds(500))
        let after = residentBytes()
        let heapAfter = liveBytes()

        /// Applies one change through the API and waits for the publication that reflects it.
        func timed(_ change: () -> Void, until done: ([LabelSet]) -> Bool) async throws -> Duration {
            var seen = publications.state.withLock { $0.count }
            let t0 = ContinuousClock.now
            change()
            while true {
                let (count, last, at) = publications.state.withLock { ($0.count, $0.last, $0.at) }
                if count > seen {
                    // Each publication is checked once, so the benchmark's own scanning stays off the measured path.
                    if done(last) { return at - t0 }
                    seen = count
                }
                try await Task.sleep(for: .microseconds(200))
            }
        }

        var latencies: [Duration] = []
        for round in 0..<100 {
            let i = podCount + round
            latencies.append(try await timed({ api.put(pod(i)) }) { $0.count == (podCount + 1) * 3 })
            latencies.append(try await timed({ api.put(pod(i, generation: 1)) }) { t in t.contains { $0["__meta_kubernetes_pod_name"] == "airflow-task-\(i)" && $0["__meta_kubernetes_pod_label_generation"] == "1" } })
            latencies.append(try await timed({ api.delete(kind: "Pod", namespace: "airflow-\(i % 20)", name: "airflow-task-\(i)") }) { $0.count == podCount * 3 })
        }
        runner.cancel()
        await runner.value
        api.shutdown()
        if CommandLine.arguments.count > 2 { try await agentDiscoveryMemory(binary: CommandLine.arguments[2], pods: podCount) }

        let ms = latencies.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 }.sorted()
        func pct(_ p: Double) -> String { String(format: "%.2f", ms[min(ms.count - 1, Int(Double(ms.count) * p))]) }
        print("pods on the watch:        \(podCount) (\(podCount * 3) targets)")
        print("initial list → targets:   \(String(format: "%.0f", Double(listed.components.seconds) * 1000 + Double(listed.components.attoseconds) / 1e15)) ms")
        print("discovery memory:         \(String(format: "%.1f", Double(heapAfter - heapBefore) / 1048576)) MiB more resident once freed memory is trimmed (\(String(format: "%.1f", Double(after - before) / 1048576)) MiB untrimmed, with the list pages' freed buffers)")
        print("event → updated targets:  p50 \(pct(0.5)) ms, p90 \(pct(0.9)) ms, p99 \(pct(0.99)) ms, max \(String(format: "%.2f", ms.last!)) ms (\(ms.count) events: add, modify, delete)")
    }
}

try await DiscoveryBench.run()
