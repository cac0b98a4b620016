import FakeLoki
import Foundation
import Testing

/// What `loki.write` exposes and says about its arguments, seen from the real binary.
@Suite(.serialized) struct LokiWriteArgumentsTests {
    @Test func histogramsHaveBucketsThatFitWhatTheyMeasure() throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let dir = temporaryDirectory()
        let log = dir.appendingPathComponent("app.log")
        try Data("one\ntwo\nthree\n".utf8).write(to: log)
        let cfg = try writeShippingConfig(in: dir, file: log, url: loki.pushURL)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { _ in loki.entries.count == 3 }, "\(agent.stderr)")
        Thread.sleep(forTimeInterval: 0.3)
        guard let addr = agent.listenAddress, let (status, metrics) = httpGet("http://\(addr)/metrics") else {
            Issue.record("no metrics: \(agent.stderr)")
            return
        }
        #expect(status == 200)
        func buckets(_ name: String) -> [String] {
            metrics.split(separator: "\n").filter { $0.hasPrefix(name + "_bucket{") }.compactMap { line in
                line.range(of: "le=\"").map { String(line[$0.upperBound...].prefix { $0 != "\"" }) }
            }
        }
        #expect(buckets("loki_write_request_duration_seconds") == ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "+Inf"], "\(metrics)")
        #expect(buckets("loki_write_request_size_bytes").first == "1024.0")
        #expect(buckets("loki_write_request_size_bytes").suffix(2) == ["16777216.0", "+Inf"])
        #expect(buckets("loki_write_entry_propagation_latency_seconds").contains("300.0"))
        #expect(buckets("loki_write_entry_propagation_latency_seconds").last == "+Inf")
        // The three entries' push landed in a bucket of its own size, not all in the first.
        let count = metrics.split(separator: "\n").first { $0.hasPrefix("loki_write_request_duration_seconds_count{") }
        #expect(count?.hasSuffix(" 1") == true || count?.hasSuffix(" 1.0") == true, "\(count ?? "none")")
        #expect(agent.stop(SIGTERM) == 0)
    }

    /// A password in the endpoint URL is sent as basic auth and appears in no metric label and no log line.
    @Test func credentialsInTheURLAreAuthNotLabels() throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let dir = temporaryDirectory()
        let log = dir.appendingPathComponent("app.log")
        try Data("one\ntwo\n".utf8).write(to: log)
        let url = loki.pushURL.replacingOccurrences(of: "http://", with: "http://tenant-a:s%40cr3t-pw@")
        let cfg = try writeShippingConfig(in: dir, file: log, url: url)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { _ in loki.entries.count == 2 }, "\(agent.stderr)")
        // "tenant-a:s@cr3t-pw", as Go's client sends it.
        #expect(loki.stats.lastHeaders["authorization"] == "Basic dGVuYW50LWE6c0BjcjN0LXB3")
        guard let addr = agent.listenAddress, let (_, metrics) = httpGet("http://\(addr)/metrics") else {
            Issue.record("no metrics: \(agent.stderr)")
            return
        }
        #expect(metrics.contains("host=\"127.0.0.1:\(loki.port)\""), "\(metrics)")
        #expect(!metrics.contains("cr3t") && !metrics.contains("tenant-a:"))
        #expect(agent.stop(SIGTERM) == 0)
        #expect(!agent.stderr.contains("cr3t") && !agent.stdout.contains("cr3t"))
    }

    @Test func argumentsWithoutEffectAreWarnedAbout() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("w.alloy")
        try Data("""
        loki.write "l" {
        \tendpoint {
        \t\turl = "http://127.0.0.1:9/loki/api/v1/push"

        \t\tqueue_config {
        \t\t\tcapacity          = "20MiB"
        \t\t\tmin_shards        = 2
        \t\t\tblock_on_overflow = true
        \t\t\tdrain_timeout     = "5s"
        \t\t}
        \t}

        \twal {
        \t\tenabled            = false
        \t\tmax_read_frequency = "1s"
        \t}
        }

        """.utf8).write(to: file)
        let (status, out, err) = try Agent.runToEnd(["validate", file.path])
        #expect(status == 0, "warnings do not fail validation: \(err)")
        #expect(out.isEmpty)
        #expect(err.contains("Warning: \(file.path):6:4: queue_config.capacity has no effect in Tributary"))
        #expect(err.contains("Warning: \(file.path):7:4: queue_config.min_shards has no effect in Tributary"))
        #expect(err.contains("Warning: \(file.path):8:4: queue_config.block_on_overflow has no effect in Tributary"))
        #expect(err.contains("Warning: \(file.path):14:3: wal.enabled = false has no effect"))
        #expect(err.contains("Warning: \(file.path):15:3: wal.max_read_frequency has no effect in Tributary"))
        #expect(!err.contains("drain_timeout has no effect"), "drain_timeout is used")
        // `run` logs the same warnings.
        let agent = try Agent(["run", file.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { $0.stderr.contains("all components started") })
        #expect(agent.stderr.contains("queue_config.min_shards has no effect in Tributary"))
        #expect(agent.stop(SIGTERM) == 0)
    }
}
