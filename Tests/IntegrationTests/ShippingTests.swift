import FakeLoki
import Foundation
import Testing

/// The whole agent shipping to a Loki-compatible receiver on loopback, with outages and SIGKILLs.
@Suite(.serialized) struct ShippingTests {
    func config(_ logs: String, _ url: String) -> String {
        """
        local.file_match "pods" {
        \tpath_targets = [{"__path__" = "\(logs)/*/*/*.log"}]
        \tsync_period  = "200ms"
        }

        loki.source.file "pods" {
        \ttargets    = local.file_match.pods.targets
        \tforward_to = [loki.process.pods.receiver]
        }

        loki.process "pods" {
        \tforward_to = [loki.write.loki.receiver]

        \tstage.cri { }
        }

        loki.write "loki" {
        \tendpoint {
        \t\turl                = "\(url)"
        \t\tbatch_size         = "256KiB"
        \t\tbatch_wait         = "100ms"
        \t\tmin_backoff_period = "50ms"
        \t\tmax_backoff_period = "500ms"
        \t}
        }
        """
    }

    /// Appends CRI lines to 10 files at a steady rate; returns every line's content.
    final class Writer: @unchecked Sendable {
        let dir: URL
        var handles: [FileHandle] = []
        var written: [String] = []
        var ts: Int64 = 1_795_600_800_000_000_000
        init(_ dir: URL) throws {
            self.dir = dir
            for i in 0..<10 {
                let d = dir.appendingPathComponent("ns_pod\(i)_uid\(i)/app")
                try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
                let f = d.appendingPathComponent("0.log")
                FileManager.default.createFile(atPath: f.path, contents: nil)
                handles.append(try FileHandle(forWritingTo: f))
            }
        }
        func write(_ n: Int) {
            var chunks = [String](repeating: "", count: handles.count)
            for _ in 0..<n {
                ts += 1_000
                let content = "line-\(written.count) level=info msg=\"shipping test\""
                written.append(content)
                let secs = ts / 1_000_000_000, nanos = ts % 1_000_000_000
                let date = Date(timeIntervalSince1970: TimeInterval(secs))
                var c = Calendar(identifier: .gregorian)
                c.timeZone = TimeZone(identifier: "UTC")!
                let p = c.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
                let stamp = String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!, nanos)
                chunks[written.count % handles.count] += "\(stamp) stdout F \(content)\n"
            }
            for (i, c) in chunks.enumerated() where !c.isEmpty { handles[i].write(Data(c.utf8)) }
        }
    }

    /// A started receiver, a writer of 10 pod log files, and the agent's arguments for the shipping config.
    func setUp() throws -> (FakeLoki, Writer, [String]) {
        let loki = FakeLoki()
        try loki.start()
        let dir = temporaryDirectory()
        let logs = dir.appendingPathComponent("pods")
        let writer = try Writer(logs)
        let cfg = dir.appendingPathComponent("ship.alloy")
        try Data(config(logs.path, loki.pushURL).utf8).write(to: cfg)
        return (loki, writer, ["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
    }

    /// Issue 6's outage test: 200,000 lines with the receiver down for 60 s in the middle.
    @Test func aMinuteLongOutageLosesNothing() throws {
        let (loki, writer, args) = try setUp()
        defer { loki.shutdown() }
        let agent = try Agent(args)
        let port = loki.port
        writer.write(50_000)
        #expect(agent.waitFor(timeout: 60) { _ in loki.stats.accepted >= 50_000 })
        loki.stop()
        let down = Date()
        for _ in 0..<10 {
            writer.write(10_000)
            Thread.sleep(forTimeInterval: 5.5)
        }
        writer.write(50_000)
        Thread.sleep(forTimeInterval: max(0, 60 - Date().timeIntervalSince(down)))
        #expect(loki.stats.accepted == 50_000, "nothing is delivered while the receiver is down")
        try loki.start(port: port)
        let total = writer.written.count
        let ok = agent.waitFor(timeout: 120) { _ in loki.stats.accepted >= total }
        #expect(ok, "stored \(loki.stats.accepted) of \(total)")
        #expect(Set(loki.entries.map(\.line)) == Set(writer.written), "every line arrives")
        #expect(loki.stats.duplicates == 0)
        #expect(agent.stop(SIGTERM) == 0)
    }

    @Test func sigkillsAndAnOutageLoseNothing() throws {
        let (loki, writer, args) = try setUp()
        defer { loki.shutdown() }
        var agent = try Agent(args)
        var kills = 0
        let port = loki.port
        // 200,000 lines: 25,000 a second for ~8 seconds; a SIGKILL every 1.5 s, and Loki down for 2 s in the middle.
        for step in 0..<16 {
            writer.write(12_500)
            Thread.sleep(forTimeInterval: 0.5)
            if step == 6 { loki.stop() }
            if step == 10 { try loki.start(port: port) }
            if step % 3 == 2 {
                #expect(agent.stop(SIGKILL) == SIGKILL)
                kills += 1
                agent = try Agent(args)
            }
        }
        let total = writer.written.count
        let ok = agent.waitFor(timeout: 240) { _ in loki.stats.accepted >= total }
        #expect(agent.stop(SIGTERM) == 0)
        let got = Set(loki.entries.map(\.line))
        #expect(ok, "stored \(loki.stats.accepted) of \(total)")
        #expect(got == Set(writer.written), "every line arrives")
        #expect(loki.entries.count == total, "Loki keeps each entry once")
        let duplicates = loki.stats.duplicates
        print("shipping test: \(total) lines, \(kills) SIGKILLs, 2 s outage, \(duplicates) duplicate entries received (dropped by Loki as exact duplicates)")
        // At most what was in flight at each kill: batches of up to 256 KiB (about 3,500 of these lines) being pushed
        // or read from the log but not yet confirmed.
        #expect(duplicates <= kills * 2 * 3_500, "duplicates stay within what was in flight at each kill: \(duplicates)")
    }
}
