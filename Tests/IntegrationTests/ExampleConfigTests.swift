import FakeLoki
import Foundation
import Testing

/// The ready configurations of examples/ (audit logs, Airflow task logs), run by the real binary on their fixtures
/// into a Loki-compatible receiver: exact streams, timestamps, lines and structured metadata.
@Suite(.serialized) struct ExampleConfigTests {
    /// Runs `examples/<name>` with its cluster paths pointed at `fixtures`, until `count` entries arrived.
    func run(_ name: String, replacing path: String, with fixtures: String, count: Int) throws -> [FakeLoki.Entry] {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        var config = try String(contentsOf: Repo.root.appendingPathComponent("examples/\(name)"), encoding: .utf8)
        #expect(config.contains(path))
        config = config.replacingOccurrences(of: path, with: Repo.root.appendingPathComponent(fixtures).path + "/")
        config = config.replacingOccurrences(of: "http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push", with: loki.pushURL)
        let dir = temporaryDirectory()
        let cfg = dir.appendingPathComponent(name)
        try config.write(to: cfg, atomically: true, encoding: .utf8)
        let (valid, _, validateErr) = try Agent.runToEnd(["validate", "examples/\(name)"])
        #expect(valid == 0, "\(validateErr)")
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor(timeout: 30) { _ in loki.entries.count >= count }, "\(loki.entries.count) entries; \(agent.stderr)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(agent.stop(SIGTERM) == 0)
        return loki.entries.sorted { ($0.timestamp.count, $0.timestamp) < ($1.timestamp.count, $1.timestamp) }
    }

    @Test func auditLogsBecomeOneEntryPerRequestWithVerbAsTheOnlyLabel() throws {
        let got = try run("audit.alloy", replacing: "/var/log/kubernetes/audit/", with: "examples/fixtures/audit", count: 4)
        #expect(got.count == 4, "the RequestReceived stage is dropped")
        #expect(got.map(\.stream) == ["{job=\"kubernetes-audit\", verb=\"list\"}", "{job=\"kubernetes-audit\", verb=\"create\"}",
                                      "{job=\"kubernetes-audit\", verb=\"delete\"}", "{job=\"kubernetes-audit\", verb=\"watch\"}"])
        #expect(got.map(\.timestamp) == ["1795600800112345000", "1795600801250000000", "1795600802500000000", "1795600803000000000"])
        #expect(got.map(\.metadata) == [
            ["user": "system:serviceaccount:monitoring:tributary", "resource": "pods", "code": "200"],
            ["user": "system:serviceaccount:airflow:airflow-scheduler", "resource": "pods", "namespace": "airflow", "code": "201"],
            ["user": "admin@homelab", "resource": "secrets", "namespace": "default", "code": "403"],
            ["user": "system:kube-controller-manager", "resource": "deployments", "code": "200"],
        ])
        #expect(got.allSatisfy { $0.line.hasPrefix("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"") }, "the event is kept whole")
    }

    @Test func airflowTracebacksAreOneEntryWithDagLevelAndTaskMetadata() throws {
        let got = try run("airflow.alloy", replacing: "/var/log/airflow/", with: "examples/fixtures/airflow-logs", count: 7)
        #expect(got.count == 7)
        #expect(got.map(\.stream) == [
            "{dag_id=\"etl_orders\", job=\"airflow-tasks\", level=\"INFO\"}", "{dag_id=\"etl_orders\", job=\"airflow-tasks\", level=\"INFO\"}",
            "{dag_id=\"etl_orders\", job=\"airflow-tasks\", level=\"INFO\"}", "{dag_id=\"etl_orders\", job=\"airflow-tasks\", level=\"INFO\"}",
            "{dag_id=\"etl_orders\", job=\"airflow-tasks\", level=\"WARNING\"}", "{dag_id=\"etl_orders\", job=\"airflow-tasks\", level=\"ERROR\"}",
            "{dag_id=\"etl_orders\", job=\"airflow-tasks\", level=\"INFO\"}",
        ])
        #expect(got.map(\.timestamp) == ["1795600798000000000", "1795600799500000000", "1795600800123000000", "1795600800456000000",
                                         "1795600804900000000", "1795600805001000000", "1795600805020000000"])
        let run = "scheduled__2026-11-25T09:00:00+00:00"
        #expect(got.map { $0.metadata["task_id"] ?? "" } == ["extract", "extract", "load", "load", "load", "load", "load"])
        #expect(got.allSatisfy { $0.metadata["run_id"] == run && $0.metadata["attempt"] == "1" })
        let traceback = got[5].line
        #expect(traceback.hasPrefix("[2026-11-25T10:00:05.001+0000] {taskinstance.py:2728} ERROR - Task failed with exception\nTraceback (most recent call last):\n"))
        #expect(traceback.hasSuffix("    raise ValueError(\"orders table is locked\")\nValueError: orders table is locked"), "\(traceback)")
    }
}
