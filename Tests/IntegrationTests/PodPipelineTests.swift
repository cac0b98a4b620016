import Foundation
import Testing

/// The typical pod pipeline of an Alloy config, run by the real binary on the fixture tree: discovery.relabel builds
/// `__path__` from `__meta_kubernetes_pod_uid` and the container name (targets written out as discovery.kubernetes
/// would export them), local.file_match expands it, stage.cri parses, kube-system is dropped, loki.relabel renames.
@Suite struct PodPipelineTests {
    @Test func discoveryRelabelToProcessOnTheFixture() throws {
        let dir = temporaryDirectory()
        let pods = Repo.root.appendingPathComponent("examples/fixtures/var-log-pods").path
        let config = dir.appendingPathComponent("pods.alloy")
        try Data(#"""
        discovery.relabel "pods" {
        	targets = [
        		{"__meta_kubernetes_namespace" = "default", "__meta_kubernetes_pod_name" = "orders-api-7d9f8b6c5-x2k4q", "__meta_kubernetes_pod_uid" = "4f1c2a8e-9b3d-4e6f-a1c2-3d4e5f6a7b8c", "__meta_kubernetes_pod_container_name" = "orders-api", "__meta_kubernetes_pod_label_app" = "orders"},
        		{"__meta_kubernetes_namespace" = "kube-system", "__meta_kubernetes_pod_name" = "coredns-5d78c9869d-abcde", "__meta_kubernetes_pod_uid" = "9f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0", "__meta_kubernetes_pod_container_name" = "coredns"},
        		{"__meta_kubernetes_namespace" = "airflow", "__meta_kubernetes_pod_name" = "airflow-scheduler-0", "__meta_kubernetes_pod_uid" = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", "__meta_kubernetes_pod_container_name" = "git-sync", "__meta_kubernetes_pod_phase" = "Succeeded"},
        	]

        	rule {
        		source_labels = ["__meta_kubernetes_pod_phase"]
        		regex         = "Pending|Succeeded|Failed"
        		action        = "drop"
        	}

        	rule {
        		source_labels = ["__meta_kubernetes_namespace"]
        		target_label  = "namespace"
        	}

        	rule {
        		source_labels = ["__meta_kubernetes_pod_name"]
        		target_label  = "pod"
        	}

        	rule {
        		source_labels = ["__meta_kubernetes_pod_container_name"]
        		target_label  = "container"
        	}

        	rule {
        		action      = "labelmap"
        		regex       = "__meta_kubernetes_pod_label_(.+)"
        		replacement = "label_$1"
        	}

        	rule {
        		source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
        		separator     = "/"
        		target_label  = "__path__"
        		replacement   = "\#(pods)/*$1/*.log"
        	}
        }

        local.file_match "pods" {
        	path_targets = discovery.relabel.pods.output
        }

        loki.source.file "pods" {
        	targets    = local.file_match.pods.targets
        	forward_to = [loki.process.pods.receiver]
        }

        loki.process "pods" {
        	forward_to = [loki.relabel.rename.receiver]

        	stage.cri { }

        	stage.match {
        		selector = "{namespace=\"kube-system\"}"
        		action   = "drop"
        	}

        	stage.json {
        		expressions = {level = ""}
        	}

        	stage.labels {
        		values = {level = ""}
        	}

        	stage.metrics {
        		metric.counter {
        			name        = "lines_total"
        			description = "lines shipped"
        			match_all   = true
        			action      = "inc"
        		}

        		metric.histogram {
        			name    = "duration_ms"
        			source  = "duration_ms"
        			buckets = [10, 100, 1000]
        		}
        	}

        	stage.json {
        		expressions = {duration_ms = ""}
        	}
        }

        loki.relabel "rename" {
        	forward_to = [loki.echo.out.receiver]

        	rule {
        		action = "labeldrop"
        		regex  = "filename"
        	}

        	rule {
        		source_labels = ["label_app"]
        		target_label  = "app"
        	}

        	rule {
        		action = "labeldrop"
        		regex  = "label_.*"
        	}
        }

        loki.echo "out" { }
        """#.utf8).write(to: config)
        let (vs, _, verr) = try Agent.runToEnd(["validate", config.path])
        #expect(vs == 0, "\(verr)")
        let agent = try Agent(["run", config.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
        let expected = [
            #"2026-11-25T10:00:00.000000001Z {app="orders", container="orders-api", level="info", namespace="default", pod="orders-api-7d9f8b6c5-x2k4q", stream="stdout"} {"level":"info","msg":"request completed","method":"GET","path":"/orders/42","status":200,"duration_ms":12}"#,
            #"2026-11-25T10:00:00.100000002Z {app="orders", container="orders-api", level="warn", namespace="default", pod="orders-api-7d9f8b6c5-x2k4q", stream="stdout"} {"level":"warn","msg":"slow query","table":"orders","duration_ms":840}"#,
            #"2026-11-25T10:00:01.200000000Z {app="orders", container="orders-api", level="error", namespace="default", pod="orders-api-7d9f8b6c5-x2k4q", stream="stderr"} {"level":"error","msg":"payment gateway timeout","order_id":42,"retry":true}"#,
        ]
        #expect(agent.waitFor { a in expected.allSatisfy { a.stdout.contains($0 + "\n") } }, "stdout:\n\(agent.stdout)\nstderr:\n\(agent.stderr)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(agent.stdout.split(separator: "\n").count == 3, "coredns (kube-system) and the succeeded pod are not shipped")
        let metrics = agent.listenAddress.flatMap { httpGet("http://\($0)/metrics")?.1 } ?? ""
        #expect(metrics.contains("# HELP loki_process_custom_lines_total lines shipped"), "\(metrics)")
        let series = metrics.split(separator: "\n").filter { $0.hasPrefix("loki_process_custom_lines_total{") }
        #expect(series.count == 3 && series.allSatisfy { $0.hasSuffix(" 1") || $0.hasSuffix(" 1.0") }, "one series per label set: \(series)")
        #expect(agent.stop() == 0)
    }
}
