import Foundation
import Testing

/// Runs the built binary on the bundled fixture, as the README's first command does.
@Suite(.serialized) struct RunFixtureTests {
    /// What `loki.echo` prints for the fixture tree through examples/local.alloy: CRI timestamps and streams,
    /// the partial line joined, kube-system dropped, namespace/pod/container from the path.
    static let expectedOutput: Set<String> = [
        #"2026-11-25T09:00:03.250000000Z {container="git-sync", namespace="airflow", pod="airflow-scheduler-0", stream="stdout"} level=info msg="synced" repo=dags commit=9c1e4b2 duration=1.2s"#,
        #"2026-11-25T10:00:00.500000000Z {container="scheduler", namespace="airflow", pod="airflow-scheduler-0", stream="stdout"} [2026-11-25T10:00:00.500+0000] {scheduler_job_runner.py:412} INFO - 3 tasks up for execution:"#,
        #"2026-11-25T10:00:00.600000000Z {container="scheduler", namespace="airflow", pod="airflow-scheduler-0", stream="stdout"} [2026-11-25T10:00:00.600+0000] {dag_processing.py:1011} INFO - a very long line that the runtime split into two partial records"#,
        #"2026-11-25T10:00:02.000000000Z {container="scheduler", namespace="airflow", pod="airflow-scheduler-0", stream="stderr"} Traceback (most recent call last):"#,
        #"2026-11-25T10:00:00.000000001Z {container="orders-api", namespace="default", pod="orders-api-7d9f8b6c5-x2k4q", stream="stdout"} {"level":"info","msg":"request completed","method":"GET","path":"/orders/42","status":200,"duration_ms":12}"#,
        #"2026-11-25T10:00:00.100000002Z {container="orders-api", namespace="default", pod="orders-api-7d9f8b6c5-x2k4q", stream="stdout"} {"level":"warn","msg":"slow query","table":"orders","duration_ms":840}"#,
        #"2026-11-25T10:00:01.200000000Z {container="orders-api", namespace="default", pod="orders-api-7d9f8b6c5-x2k4q", stream="stderr"} {"level":"error","msg":"payment gateway timeout","order_id":42,"retry":true}"#,
        // The bundled journal: kubelet, containerd and the kernel (sshd is not matched), unit/level/node labels.
        #"2026-11-25T09:59:58.000000000Z {job="loki.source.journal.system", level="info", node="node-1", unit="kernel"} eth0: Link is Up - 10Gbps/Full - flow control rx/tx"#,
        #"2026-11-25T09:59:58.250000000Z {job="loki.source.journal.system", level="info", node="node-1", unit="containerd.service"} time="2026-11-25T09:59:58.250000000Z" level=info msg="StartContainer for \"4f1c2a8e\" returns successfully""#,
        #"2026-11-25T09:59:58.500000000Z {job="loki.source.journal.system", level="info", node="node-1", unit="kubelet.service"} I1125 09:59:58.500000    1204 kubelet.go:2412] "SyncLoop (PLEG): event for pod" pod="airflow/airflow-scheduler-0" event="ContainerStarted""#,
        #"2026-11-25T09:59:58.750000000Z {job="loki.source.journal.system", level="error", node="node-1", unit="kubelet.service"} E1125 09:59:58.750000    1204 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \"StartContainer\" for \"git-sync\" with CrashLoopBackOff" pod="airflow/airflow-scheduler-0""#,
        #"2026-11-25T09:59:59.250000000Z {job="loki.source.journal.system", level="warning", node="node-1", unit="kernel"} Memory cgroup out of memory: Killed process 3412 (python3) total-vm:2104332kB, anon-rss:1048576kB"#,
        #"2026-11-25T09:59:59.500000000Z {job="loki.source.journal.system", level="warning", node="node-1", unit="containerd.service"} time="2026-11-25T09:59:59.500000000Z" level=warning msg="cleanup warnings" namespace=k8s.io"#,
    ]

    @Test func echoesTheFixtureThroughTheTypicalPodPipeline() throws {
        let (written, _, writeErr) = try runScript("scripts/example-journal.sh")
        #expect(written == 0, "\(writeErr)")
        let storage = temporaryDirectory()
        let agent = try Agent(["run", "examples/local.alloy", "--storage.path", storage.path, "--server.http.listen-addr", "127.0.0.1:0"])
        let complete = agent.waitFor { a in Self.expectedOutput.allSatisfy { a.stdout.contains($0 + "\n") } }
        #expect(complete, "got:\n\(agent.stdout)\nstderr:\n\(agent.stderr)")
        Thread.sleep(forTimeInterval: 0.3)
        let out = agent.stdout.split(separator: "\n").map(String.init)
        #expect(out.count == Self.expectedOutput.count, "each entry exactly once")
        #expect(Set(out) == Self.expectedOutput)

        if let addr = agent.listenAddress {
            #expect(httpGet("http://\(addr)/-/ready")?.0 == 200)
            #expect(httpGet("http://\(addr)/-/healthy")?.0 == 200)
            let metrics = httpGet("http://\(addr)/metrics")
            #expect(metrics?.0 == 200)
            #expect(metrics?.1.contains("loki_source_file_read_lines_total") == true)
            #expect(metrics?.1.contains("loki_source_file_files_active_total{component_id=\"loki.source.file.pods\",component_path=\"/\"} 4") == true)
            #expect(metrics?.1.contains("loki_process_dropped_lines_total{component_id=\"loki.process.pods\",component_path=\"/\",reason=\"kube_system\"} 2") == true,
                    "\(metrics?.1 ?? "")")
            #expect(metrics?.1.contains("loki_source_journal_target_lines_total{component_id=\"loki.source.journal.system\",component_path=\"/\"} 6") == true,
                    "\(metrics?.1 ?? "")")
        } else {
            Issue.record("no listen address logged: \(agent.stderr)")
        }
        #expect(agent.stop(SIGTERM) == 0)
        #expect(agent.stderr.contains("shutdown complete"))
    }

    @Test func followsAFileAsItGrows() throws {
        let dir = temporaryDirectory()
        let log = dir.appendingPathComponent("app.log")
        try Data("one\ntw".utf8).write(to: log)
        let config = dir.appendingPathComponent("c.alloy")
        try Data("""
        loki.source.file "f" {
        \ttargets    = [{"__path__" = "\(log.path)", app = "demo"}]
        \tforward_to = [loki.echo.e.receiver]
        }

        loki.echo "e" { }
        """.utf8).write(to: config)
        let agent = try Agent(["run", config.path, "--storage.path", dir.appendingPathComponent("data").path,
                               "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { $0.stdout.contains("} one\n") })
        let h = try FileHandle(forWritingTo: log)
        h.seekToEndOfFile()
        h.write(Data("o\nthree\r\nmulti\\nline?\n".utf8))
        try h.close()
        #expect(agent.waitFor { $0.stdout.contains("} multi\\nline?\n") })
        let lines = agent.stdout.split(separator: "\n").map { String($0.split(separator: "} ", maxSplits: 1).last!) }
        #expect(lines == ["one", "two", "three", "multi\\nline?"])
        #expect(agent.stdout.contains("{app=\"demo\", filename=\"\(log.path)\"}"))
        #expect(agent.stop(SIGINT) == 0)
    }

    /// A target that appears later reaches loki.source.file through local.file_match's new exports.
    @Test func picksUpFilesThatAppearLater() throws {
        let dir = temporaryDirectory()
        let logs = dir.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try Data("first\n".utf8).write(to: logs.appendingPathComponent("a.log"))
        let config = dir.appendingPathComponent("c.alloy")
        try Data("""
        local.file_match "m" {
        \tpath_targets = [{"__path__" = "\(logs.path)/*.log", job = "late"}]
        \tsync_period  = "100ms"
        }

        loki.source.file "f" {
        \ttargets    = local.file_match.m.targets
        \tforward_to = [loki.echo.e.receiver]
        }

        loki.echo "e" { }
        """.utf8).write(to: config)
        let storage = dir.appendingPathComponent("data")
        let agent = try Agent(["run", config.path, "--storage.path", storage.path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { $0.stdout.contains("} first\n") }, "\(agent.stderr)")
        try Data("second\n".utf8).write(to: logs.appendingPathComponent("b.log"))
        #expect(agent.waitFor { $0.stdout.contains("b.log\", job=\"late\"} second\n") }, "\(agent.stdout)\n\(agent.stderr)")
        #expect(agent.stop() == 0)
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: storage.appendingPathComponent("loki.source.file.f").path, isDirectory: &isDir) && isDir.boolValue,
                "each component gets its own data directory")
    }
}
