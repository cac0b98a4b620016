import Synchronization
import Testing
@testable import Process

/// Records what `stage.metrics` asks for.
final class RecordingMetrics: CustomMetricsBackend {
    let calls = Mutex<[String]>([])
    func update(name: String, help: String, componentID: String, labels: [(String, String)], _ update: CustomMetricUpdate) {
        let l = ([("component", componentID)] + labels).map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        let u: String
        switch update {
        case .counterAdd(let v): u = "add \(v)"
        case .gaugeSet(let v): u = "set \(v)"
        case .gaugeAdd(let v): u = "gadd \(v)"
        case .histogramObserve(let b, let v): u = "observe \(v) \(b)"
        }
        calls.withLock { $0.append("\(name){\(l)} \(u)") }
    }
    func remove(name: String, kind: CustomMetricKind, componentID: String, labels: [(String, String)]) {
        calls.withLock { $0.append("remove \(name)") }
    }
}

@Suite(.serialized) struct MetricsStageTests {
    @Test func countersGaugesHistograms() throws {
        let rec = RecordingMetrics()
        CustomMetrics.install(rec)
        let h = try StageHarness("""
        stage.logfmt {
        \tmapping = {status = "", took = "", queue = ""}
        }
        stage.metrics {
        \tmetric.counter {
        \t\tname   = "errors_total"
        \t\tsource = "status"
        \t\tvalue  = "500"
        \t\taction = "inc"
        \t}
        \tmetric.counter {
        \t\tname              = "bytes_total"
        \t\tmatch_all         = true
        \t\tcount_entry_bytes = true
        \t\taction            = "add"
        \t}
        \tmetric.gauge {
        \t\tname   = "queue"
        \t\taction = "set"
        \t}
        \tmetric.histogram {
        \t\tname    = "took_seconds"
        \t\tsource  = "took"
        \t\tbuckets = [0.01, 0.1, 1]
        \t}
        }
        """)
        _ = h.run(["status=500 took=15ms queue=7", "status=200 took=0.5 queue=x"], labels: ["app": "a", "__hidden": "h"])
        let calls = rec.calls.withLock { $0 }
        #expect(calls.contains("loki_process_custom_errors_total{component=loki.process.test,app=a} add 1.0"))
        #expect(calls.filter { $0.hasPrefix("loki_process_custom_errors_total") }.count == 1, "value filters")
        #expect(calls.contains("loki_process_custom_bytes_total{component=loki.process.test,app=a} add 27.0"))
        #expect(calls.contains("loki_process_custom_queue{component=loki.process.test,app=a} set 7.0"))
        #expect(calls.contains("loki_process_custom_took_seconds{component=loki.process.test,app=a} observe 0.015 [0.01, 0.1, 1.0]"), "Go durations become seconds")
        #expect(calls.contains("loki_process_custom_took_seconds{component=loki.process.test,app=a} observe 0.5 [0.01, 0.1, 1.0]"))
        _ = h.pipeline.flush(nowNanoseconds: Int64.max / 2, force: false, h.ctx)
        #expect(rec.calls.withLock { $0 }.filter { $0.hasPrefix("remove") }.count == 4, "idle series are removed")
    }

    @Test func configurationErrors() {
        #expect(!StageHarness.errors("stage.metrics {\n\tmetric.counter {\n\t\tname = \"x\"\n\t\taction = \"inc\"\n\t\tcount_entry_bytes = true\n\t}\n}").isEmpty)
        #expect(!StageHarness.errors("stage.metrics {\n\tmetric.gauge {\n\t\tname = \"x\"\n\t\taction = \"explode\"\n\t}\n}").isEmpty)
        #expect(!StageHarness.errors("stage.metrics {\n\tmetric.counter {\n\t\tname = \"lines_total\"\n\t\tprefix = \"loki_source_file_read_\"\n\t\taction = \"inc\"\n\t}\n}").isEmpty)
        #expect(!StageHarness.errors("stage.metrics { }").isEmpty)
    }
}
