import FakeKubeAPI
import FakeLoki
import Foundation
import JournalFixtures
import TestTLS
import Testing

/// examples/kubernetes.alloy run by the real binary "in a cluster": the service account (token, CA, namespace)
/// points at the fake API server over TLS, pods appear in the API while their log files appear under a
/// kubelet-shaped tree, and entries must reach the Loki-compatible receiver with the right labels.
@Suite(.serialized) struct KubernetesPipelineTests {
    func pod(_ namespace: String, _ name: String, uid: String, containers: [String], app: String?, node: String = "node-2",
             ports: [Int] = []) -> [String: Any] {
        var labels: [String: String] = ["pod-template-hash": "5d4c3b2a1"]
        if let app { labels["app.kubernetes.io/name"] = app }
        let portList: [[String: Any]] = ports.map { ["containerPort": $0, "protocol": "TCP"] }
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": name, "namespace": namespace, "uid": uid, "labels": labels] as [String: Any],
            "spec": ["nodeName": node, "containers": containers.map { ["name": $0, "image": "example/\($0):1", "ports": portList] as [String: Any] }] as [String: Any],
            "status": ["phase": "Running", "podIP": "10.42.1.\(uid.count)", "hostIP": "10.0.0.12",
                       "conditions": [["type": "Ready", "status": "True"]],
                       "containerStatuses": containers.map { ["name": $0, "containerID": "containerd://\($0)-\(uid)"] }] as [String: Any],
        ]
    }

    /// Writes CRI lines into `<root>/<ns>_<pod>_<uid>/<container>/0.log`.
    func writeLog(_ root: URL, _ namespace: String, _ pod: String, _ uid: String, _ container: String, lines: [String]) throws {
        let dir = root.appendingPathComponent("\(namespace)_\(pod)_\(uid)/\(container)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var text = ""
        for (i, l) in lines.enumerated() { text += "2026-11-25T10:00:0\(i % 10).\(100000000 + i)Z stdout F \(l)\n" }
        let file = dir.appendingPathComponent("0.log")
        if let h = try? FileHandle(forWritingTo: file) {
            h.seekToEndOfFile()
            h.write(Data(text.utf8))
            try h.close()
        } else {
            try Data(text.utf8).write(to: file)
        }
    }

    @Test func podsFromTheAPIShipTheirLogsWithKubernetesLabels() throws {
        let certs = try TestCertificates()
        let api = try FakeKubeAPI(token: "sa-token-1", certificatePEM: certs.certificatePEM, keyPEM: certs.keyPEM)
        try api.start()
        defer { api.shutdown() }
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }

        let dir = temporaryDirectory()
        let sa = dir.appendingPathComponent("serviceaccount")
        try FileManager.default.createDirectory(at: sa, withIntermediateDirectories: true)
        try "sa-token-1\n".write(to: sa.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: certs.caFile, toPath: sa.appendingPathComponent("ca.crt").path)
        try "monitoring".write(to: sa.appendingPathComponent("namespace"), atomically: true, encoding: .utf8)
        let logs = dir.appendingPathComponent("var-log-pods")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)

        // The shipped example, pointed at this test's tree and receiver (and polling files every 200 ms).
        var config = try String(contentsOf: Repo.root.appendingPathComponent("examples/kubernetes.alloy"), encoding: .utf8)
        config = config.replacingOccurrences(of: "/var/log/pods/", with: logs.path + "/")
        config = config.replacingOccurrences(of: "http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push", with: loki.pushURL)
        config = config.replacingOccurrences(of: "\tpath_targets = discovery.relabel.pods.output", with: "\tpath_targets = discovery.relabel.pods.output\n\tsync_period  = \"200ms\"")
        // The host's journal is this test's journal directory: kubelet, containerd, the kernel, and sshd (not matched).
        let journal = dir.appendingPathComponent("journal")
        try FileManager.default.createDirectory(at: journal, withIntermediateDirectories: true)
        let now = JournalFixtures.nowMicros
        try JournalFixtures.write([
            JournalFixtureEntry([("MESSAGE", "Started kubelet"), ("_SYSTEMD_UNIT", "kubelet.service"), ("PRIORITY", "6")], realtime: now - 4_000),
            JournalFixtureEntry([("MESSAGE", "Accepted publickey for admin"), ("_SYSTEMD_UNIT", "ssh.service"), ("PRIORITY", "6")], realtime: now - 3_000),
            JournalFixtureEntry([("MESSAGE", "shim disconnected"), ("_SYSTEMD_UNIT", "containerd.service"), ("PRIORITY", "4")], realtime: now - 2_000),
            JournalFixtureEntry([("MESSAGE", "oom-kill: task python3"), ("_TRANSPORT", "kernel"), ("PRIORITY", "3")], realtime: now - 1_000),
        ], to: journal.appendingPathComponent("system.journal").path)
        config = config.replacingOccurrences(of: "loki.source.journal \"system\" {\n", with: "loki.source.journal \"system\" {\n\tpath = \"\(journal.path)\"\n")
        let cfg = dir.appendingPathComponent("kubernetes.alloy")
        try config.write(to: cfg, atomically: true, encoding: .utf8)

        // Already running before the agent starts: one app pod with two ports (two targets, one file), one
        // kube-system pod (dropped by the example's rule), one pod of another node (not listed at all).
        try writeLog(logs, "airflow", "airflow-web-0", "uid-web-0", "web", lines: ["GET / 200", "GET /health 200"])
        api.put(pod("airflow", "airflow-web-0", uid: "uid-web-0", containers: ["web"], app: "airflow", ports: [8080, 9090]))
        try writeLog(logs, "kube-system", "coredns-1", "uid-dns-1", "coredns", lines: ["[INFO] plugin/reload"])
        api.put(pod("kube-system", "coredns-1", uid: "uid-dns-1", containers: ["coredns"], app: "coredns"))
        try writeLog(logs, "airflow", "airflow-worker-9", "uid-worker-9", "worker", lines: ["on node-3, not here"])
        api.put(pod("airflow", "airflow-worker-9", uid: "uid-worker-9", containers: ["worker"], app: "airflow", node: "node-3"))

        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"],
                              environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(api.port),
                                            "TRIBUTARY_SERVICEACCOUNT_DIR": sa.path, "NODE_NAME": "node-2"])
        func lines(_ pod: String) -> [FakeLoki.Entry] { loki.entries.filter { $0.stream.contains("pod=\"\(pod)\"") } }
        #expect(agent.waitFor(timeout: 30) { _ in lines("airflow-web-0").count == 2 }, "\(agent.stderr)")
        let web = lines("airflow-web-0")
        #expect(web.first.map { $0.stream.contains("namespace=\"airflow\"") && $0.stream.contains("container=\"web\"") && $0.stream.contains("app=\"airflow\"") } == true,
                "\(web.first?.stream ?? "none")")
        #expect(api.requests.first?.contains("fieldSelector=spec.nodeName%3Dnode-2") == true, "the node's pods only")

        // The service-account token rotates; a new pod appears with its log; the watch reconnects with the new token.
        try "sa-token-2\n".write(to: sa.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        api.setToken("sa-token-2")
        api.closeWatches()
        try writeLog(logs, "airflow", "airflow-scheduler-1", "uid-sched-1", "scheduler", lines: ["scheduler heartbeat", "DAG run queued"])
        try writeLog(logs, "airflow", "airflow-scheduler-1", "uid-sched-1", "log-groomer", lines: ["cleaned 3 files"])
        api.put(pod("airflow", "airflow-scheduler-1", uid: "uid-sched-1", containers: ["scheduler", "log-groomer"], app: nil))
        #expect(agent.waitFor(timeout: 30) { _ in lines("airflow-scheduler-1").count == 3 }, "\(agent.stderr)")
        #expect(lines("airflow-scheduler-1").contains { $0.stream.contains("container=\"log-groomer\"") && !$0.stream.contains("app=") })
        #expect(api.authorizations.last == "Bearer sa-token-2")

        // More lines for a known pod keep flowing; nothing from kube-system or the other node, and no duplicates.
        try writeLog(logs, "airflow", "airflow-web-0", "uid-web-0", "web", lines: ["GET /metrics 200"])
        #expect(agent.waitFor(timeout: 30) { _ in lines("airflow-web-0").count == 3 })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(lines("coredns-1").isEmpty)
        #expect(lines("airflow-worker-9").isEmpty)
        #expect(loki.stats.duplicates == 0)
        #expect(loki.entries.filter { $0.stream.contains("pod=") }.count == 6)

        // The node's system logs, with unit, level and node labels; sshd is not matched.
        let system = loki.entries.filter { $0.stream.contains("job=\"loki.source.journal.system\"") }.sorted { $0.timestamp < $1.timestamp }
        #expect(system.map { [$0.stream, $0.line] } == [
            ["{job=\"loki.source.journal.system\", level=\"info\", node=\"node-2\", unit=\"kubelet.service\"}", "Started kubelet"],
            ["{job=\"loki.source.journal.system\", level=\"warning\", node=\"node-2\", unit=\"containerd.service\"}", "shim disconnected"],
            ["{job=\"loki.source.journal.system\", level=\"error\", node=\"node-2\", unit=\"kernel\"}", "oom-kill: task python3"],
        ])
        #expect(loki.entries.count == 9)
        // The watch's events are counted under the component's Alloy labels.
        let metrics = agent.listenAddress.flatMap { httpGet("http://\($0)/metrics")?.1 } ?? ""
        let added = metrics.split(separator: "\n").first { $0.hasPrefix("prometheus_sd_kubernetes_events_total{component_id=\"discovery.kubernetes.pods\",component_path=\"/\",role=\"pod\",event=\"add\"} ") }
        #expect(added.flatMap { Double($0.split(separator: " ").last!) }.map { $0 >= 1 } == true, "\(metrics)")
        #expect(agent.stop() == 0)
    }
}
