import FakeLoki
import Foundation
import Synchronization
import JournalFixtures
import Testing

/// The real binary reading real journal files (written by systemd-journal-remote) into a Loki-compatible receiver.
@Suite(.serialized) struct JournalPipelineTests {
    func config(journal: String, url: String) -> String {
        """
        loki.source.journal "system" {
        \tpath          = "\(journal)"
        \tmax_age       = "0s"
        \tlabels        = {node = "node-1"}
        \trelabel_rules = loki.relabel.journal.rules
        \tforward_to    = [loki.write.loki.receiver]
        }

        loki.relabel "journal" {
        \tforward_to = []

        \(JournalFixtures.unitAndLevelRules)
        }

        loki.write "loki" {
        \tendpoint {
        \t\turl                = "\(url)"
        \t\tbatch_wait         = "100ms"
        \t\tmin_backoff_period = "50ms"
        \t\tmax_backoff_period = "500ms"
        \t}
        }
        """
    }

    struct Setup {
        let dir: URL
        let journal: URL
        let loki: FakeLoki
        let args: [String]
    }

    func setUp() throws -> Setup {
        let loki = FakeLoki()
        try loki.start()
        let dir = temporaryDirectory()
        let journal = dir.appendingPathComponent("journal")
        try FileManager.default.createDirectory(at: journal, withIntermediateDirectories: true)
        let cfg = dir.appendingPathComponent("journal.alloy")
        try Data(config(journal: journal.path, url: loki.pushURL).utf8).write(to: cfg)
        return Setup(dir: dir, journal: journal, loki: loki,
                     args: ["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
    }

    /// `count` entries of two units, one file; their MESSAGEs are `prefix-<n>`.
    func writeJournal(_ s: Setup, _ name: String, prefix: String, count: Int, start: UInt64) throws -> [String] {
        var entries: [JournalFixtureEntry] = []
        for i in 0..<count {
            let unit = i % 3 == 0 ? "containerd.service" : "kubelet.service"
            let priority = i % 10 == 0 ? "3" : "6"
            let fields: [(String, String)] = [("MESSAGE", "\(prefix)-\(i)"), ("_SYSTEMD_UNIT", unit), ("PRIORITY", priority), ("_TRANSPORT", "stdout")]
            entries.append(JournalFixtureEntry(fields, realtime: start + UInt64(i), monotonic: start + UInt64(i)))
        }
        try JournalFixtures.write(entries, to: s.journal.appendingPathComponent(name).path)
        return entries.map { String(decoding: $0.fields[0].value, as: UTF8.self) }
    }

    @Test func journalToLokiExactEntries() throws {
        let s = try setUp()
        defer { s.loki.shutdown() }
        let t: UInt64 = 1_795_600_800_000_000
        try JournalFixtures.write([
            JournalFixtureEntry([("MESSAGE", "Started kubelet"), ("_SYSTEMD_UNIT", "kubelet.service"), ("PRIORITY", "6")], realtime: t, monotonic: 1),
            JournalFixtureEntry(binary: [("MESSAGE", Array("panic: boom\n\tgoroutine 1".utf8) + [0xc3]), ("_SYSTEMD_UNIT", Array("containerd.service".utf8)), ("PRIORITY", Array("2".utf8))],
                                realtime: t + 1_500, monotonic: 2),
            JournalFixtureEntry([("MESSAGE", "no unit here"), ("PRIORITY", "7")], realtime: t + 2_000, monotonic: 3),
        ], to: s.journal.appendingPathComponent("system.journal").path)
        let agent = try Agent(s.args)
        #expect(agent.waitFor(timeout: 30) { _ in s.loki.entries.count >= 3 }, "\(agent.stderr)")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(agent.stop(SIGTERM) == 0)
        let got = s.loki.entries.sorted { $0.timestamp < $1.timestamp }.map { [$0.stream, $0.timestamp, $0.line] }
        #expect(got == [
            ["{job=\"loki.source.journal.system\", level=\"info\", node=\"node-1\", unit=\"kubelet.service\"}", "1795600800000000000", "Started kubelet"],
            ["{job=\"loki.source.journal.system\", level=\"crit\", node=\"node-1\", unit=\"containerd.service\"}", "1795600800001500000", "panic: boom\n\tgoroutine 1\u{FFFD}"],
            ["{job=\"loki.source.journal.system\", level=\"debug\", node=\"node-1\"}", "1795600800002000000", "no unit here"],
        ])
    }

    @Test func cleanRestartsNeitherLoseNorRepeat() throws {
        let s = try setUp()
        defer { s.loki.shutdown() }
        let base = JournalFixtures.nowMicros - 600_000_000
        var expected = try writeJournal(s, "a.journal", prefix: "first", count: 5_000, start: base)
        let a = try Agent(s.args)
        #expect(a.waitFor(timeout: 60) { _ in s.loki.entries.count >= 5_000 }, "\(a.stderr)")
        #expect(a.stop(SIGTERM) == 0)
        expected += try writeJournal(s, "b.journal", prefix: "second", count: 5_000, start: base + 100_000)
        let b = try Agent(s.args)
        #expect(b.waitFor(timeout: 60) { _ in s.loki.entries.count >= 10_000 }, "\(b.stderr)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(b.stop(SIGTERM) == 0)
        #expect(s.loki.stats.duplicates == 0, "nothing is sent twice across a clean restart")
        #expect(s.loki.entries.map(\.line).sorted() == expected.sorted())
    }

    /// Issue 16 for the journal: SIGKILLs 1–2 s apart, at moments unrelated to the writes, while the journal keeps
    /// growing (500 entries appended every 0.1 s; a new file every 15 appends). Every entry arrives, and the only
    /// entries the receiver gets twice are those of the request it had just received at a kill.
    @Test func dozensOfSigkillsLoseNothingAndResendOnlyTheBatchInFlight() throws {
        let s = try setUp()
        defer { s.loki.shutdown() }
        let base = JournalFixtures.nowMicros - 600_000_000
        let expected = Mutex<[String]>([])
        let stop = Atomic<Bool>(false)
        let appender = Thread {
            var appended = 0
            while !stop.load(ordering: .relaxed) {
                // systemd-journal-remote appends to an existing journal file.
                let lines = try? self.writeJournal(s, "f\(appended / 15).journal", prefix: "a\(appended)", count: 500,
                                                   start: base + UInt64(appended) * 1_000)
                expected.withLock { $0 += lines ?? [] }
                appended += 1
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        appender.start()
        var agent = try Agent(s.args)
        var kills = KillPoints()
        while kills.count < 24 {
            Thread.sleep(forTimeInterval: Double.random(in: 1...2))
            #expect(agent.stop(SIGKILL) == SIGKILL)
            kills.record(s.loki)
            agent = try Agent(s.args)
        }
        stop.store(true, ordering: .relaxed)
        Thread.sleep(forTimeInterval: 0.5)
        let all = expected.withLock { $0 }
        let ok = agent.waitFor(timeout: 180) { _ in s.loki.stats.accepted >= all.count }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(agent.stop(SIGTERM) == 0)
        #expect(ok, "received \(s.loki.stats.accepted) of \(all.count)")
        #expect(Set(s.loki.entries.map(\.line)) == Set(all), "every entry arrives")
        #expect(s.loki.entries.count == all.count, "each entry is stored once")
        print("journal SIGKILL test: \(all.count) entries, \(kills.count) SIGKILLs, \(s.loki.stats.duplicates) entries received twice")
        #expect(kills.unexplained(s.loki).isEmpty, "\(kills.summary(s.loki))")
    }

    @Test func aMissingJournalIsUnhealthyAndTheRestKeepsRunning() throws {
        let dir = temporaryDirectory()
        let log = dir.appendingPathComponent("app.log")
        try Data("hello from a file\n".utf8).write(to: log)
        let cfg = dir.appendingPathComponent("c.alloy")
        try Data("""
        loki.source.journal "system" {
        \tpath       = "\(dir.path)/no-journal-here"
        \tforward_to = [loki.echo.e.receiver]
        }

        loki.source.file "f" {
        \ttargets    = [{"__path__" = "\(log.path)"}]
        \tforward_to = [loki.echo.e.receiver]
        }

        loki.echo "e" { }
        """.utf8).write(to: cfg)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { $0.stdout.contains("hello from a file") }, "\(agent.stderr)")
        #expect(agent.waitFor { $0.stderr.contains("cannot open the journal") })
        #expect(agent.stderr.contains("no-journal-here: No such file or directory"))
        if let addr = agent.listenAddress {
            let health = httpGet("http://\(addr)/-/healthy")
            #expect(health?.0 == 500)
            #expect(health?.1 == "unhealthy components: loki.source.journal.system (cannot read the journal: \(dir.path)/no-journal-here: No such file or directory)\n")
            #expect(httpGet("http://\(addr)/-/ready")?.0 == 200)
        } else {
            Issue.record("no listen address: \(agent.stderr)")
        }
        #expect(agent.stop(SIGTERM) == 0)
    }

    @Test func validateNamesTheBadArgument() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("bad.alloy")
        try Data("loki.echo \"e\" { }\nloki.source.journal \"j\" {\n\tmatches    = \"unit=kubelet\"\n\tmax_age    = 5\n\tforward_to = [loki.echo.e.receiver]\n}\n".utf8).write(to: file)
        let (status, _, err) = try Agent.runToEnd(["validate", file.path])
        #expect(status == 1)
        #expect(err.contains("\(file.path):3:2: match \"unit=kubelet\": a journal field name has only upper-case letters, digits and \"_\""), "\(err)")
        #expect(err.contains("\(file.path):4:15: "), "\(err)")
    }
}
