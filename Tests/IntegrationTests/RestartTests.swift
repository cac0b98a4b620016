import Foundation
import Testing

/// Restarts of the real binary: positions survive a clean stop and a SIGKILL; unreadable files do not stop the rest.
@Suite(.serialized) struct RestartTests {
    struct Setup {
        let dir: URL
        let log: URL
        let config: URL
        let storage: URL
    }

    func setup(extraFile: String? = nil) throws -> Setup {
        let dir = temporaryDirectory()
        let log = dir.appendingPathComponent("app.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        var targets = "{\"__path__\" = \"\(log.path)\"}"
        if let extraFile { targets += ", {\"__path__\" = \"\(dir.appendingPathComponent(extraFile).path)\"}" }
        let config = dir.appendingPathComponent("c.alloy")
        try Data("""
        loki.source.file "f" {
        \ttargets    = [\(targets)]
        \tforward_to = [loki.echo.e.receiver]
        }

        loki.echo "e" { }
        """.utf8).write(to: config)
        return Setup(dir: dir, log: log, config: config, storage: dir.appendingPathComponent("data"))
    }

    func append(_ url: URL, _ lines: [String]) throws {
        let h = try FileHandle(forWritingTo: url)
        h.seekToEndOfFile()
        h.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        try h.close()
    }

    func lines(_ output: String) -> [String] {
        output.split(separator: "\n").map { String($0.split(separator: "} ", maxSplits: 1).last!) }
    }

    func start(_ s: Setup) throws -> Agent {
        try Agent(["run", s.config.path, "--storage.path", s.storage.path, "--server.http.listen-addr", "127.0.0.1:0"])
    }

    @Test func cleanRestartNeitherLosesNorRepeats() throws {
        let s = try setup()
        let first = (0..<500).map { "first-\($0)" }
        try append(s.log, first)
        let a = try start(s)
        #expect(a.waitFor { self.lines($0.stdout).count == 500 })
        #expect(a.stop(SIGTERM) == 0)
        let second = (0..<500).map { "second-\($0)" }
        try append(s.log, second)   // written while the agent is down
        let b = try start(s)
        try append(s.log, ["third"])
        #expect(b.waitFor { self.lines($0.stdout).count >= 501 })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(b.stop(SIGTERM) == 0)
        #expect(lines(a.stdout) + lines(b.stdout) == first + second + ["third"])
    }

    /// A CRI partial line held by `stage.cri` when the agent stops (SIGKILL, or a clean stop) arrives whole after
    /// the restart: reading resumes at its start, and the stderr line written after it, delivered before the stop,
    /// is re-read but not printed again.
    @Test(arguments: [SIGKILL, SIGTERM])
    func heldPartialLineArrivesWholeAfterARestart(signal: Int32) throws {
        let dir = temporaryDirectory()
        let log = dir.appendingPathComponent("0.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let config = dir.appendingPathComponent("c.alloy")
        try Data("""
        loki.source.file "f" {
        \ttargets    = [{"__path__" = "\(log.path)"}]
        \tforward_to = [loki.process.cri.receiver]
        }

        loki.process "cri" {
        \tforward_to = [loki.echo.e.receiver]

        \tstage.cri { }
        }

        loki.echo "e" { }
        """.utf8).write(to: config)
        let s = Setup(dir: dir, log: log, config: config, storage: dir.appendingPathComponent("data"))
        func cri(_ tag: String, _ text: String) -> String { "2026-11-25T10:00:00.000000000Z stdout \(tag) \(text)" }
        let full = (0..<10).map { "full-\($0)" }
        try append(log, full.map { cri("F", $0) } + [cri("P", "part-one-"), "2026-11-25T10:00:00.000000000Z stderr F between"])
        let a = try start(s)
        #expect(a.waitFor { self.lines($0.stdout).count >= 11 })
        Thread.sleep(forTimeInterval: 1.5)   // past the positions sync interval
        #expect(a.stop(signal) == (signal == SIGKILL ? SIGKILL : 0))
        try append(log, [cri("F", "part-two"), cri("F", "after")])
        let b = try start(s)
        #expect(b.waitFor { self.lines($0.stdout).contains("after") })
        Thread.sleep(forTimeInterval: 0.3)
        // The partial line and the stderr line after it were read a second time.
        let reread = b.listenAddress.flatMap { httpGet("http://\($0)/metrics")?.1 }?.split(separator: "\n")
            .first { $0.hasPrefix("tributary_replayed_entries_total{") && $0.contains("reason=\"source_reread\"") }
        #expect(reread?.hasSuffix(" 2") == true, "\(reread ?? "no tributary_replayed_entries_total")")
        #expect(b.stop(SIGTERM) == 0)
        let all = lines(a.stdout) + lines(b.stdout)
        #expect(all.contains("part-one-part-two"), "the partial line and its end arrive as one line")
        #expect(!all.contains("part-two") && !all.contains("part-one-"), "no piece of it arrives alone")
        #expect(all.sorted() == (full + ["between", "part-one-part-two", "after"]).sorted(), "each line once: \(all)")
    }

    @Test func sigkillLosesNothing() throws {
        let s = try setup()
        let before = (0..<2000).map { "before-\($0)" }
        try append(s.log, before)
        let a = try start(s)
        #expect(a.waitFor { self.lines($0.stdout).count == 2000 })
        Thread.sleep(forTimeInterval: 1.5)   // past the positions sync interval
        #expect(a.stop(SIGKILL) == SIGKILL)
        let after = (0..<100).map { "after-\($0)" }
        try append(s.log, after)
        let b = try start(s)
        #expect(b.waitFor { self.lines($0.stdout).contains("after-99") })
        Thread.sleep(forTimeInterval: 0.3)
        #expect(b.stop(SIGTERM) == 0)
        let all = lines(a.stdout) + lines(b.stdout)
        #expect(Set(before + after).isSubset(of: Set(all)), "every line arrives after a SIGKILL")
        #expect(all.count == before.count + after.count, "positions written after the acknowledged lines: nothing repeated")
    }

    /// Runs as an unprivileged user (through setpriv when the tests run as root) so that a mode-000 file is
    /// really unreadable: the error is reported and the other file is still read.
    @Test func permissionDeniedIsReportedAndOtherFilesContinue() throws {
        let s = try setup(extraFile: "secret.log")
        let secret = s.dir.appendingPathComponent("secret.log")
        try Data("hidden\n".utf8).write(to: secret)
        try append(s.log, ["visible"])
        chmod(secret.path, 0)
        for p in [s.dir.path, s.log.path, s.config.path] { chmod(p, 0o777) }
        var args = ["run", s.config.path, "--storage.path", s.storage.path, "--server.http.listen-addr", "127.0.0.1:0"]
        let agent: Agent
        if getuid() == 0 {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
                Issue.record("setpriv is needed to drop root privileges for this test")
                return
            }
            args = ["--reuid=65534", "--regid=65534", "--clear-groups", Repo.binary] + args
            agent = try Agent(args, executable: "/usr/bin/setpriv")
        } else {
            agent = try Agent(args)
        }
        #expect(agent.waitFor { $0.stdout.contains("} visible\n") && $0.stderr.contains("Permission denied") },
                "stdout: \(agent.stdout)\nstderr: \(agent.stderr)")
        #expect(agent.stderr.contains("secret.log: Permission denied"))
        #expect(!agent.stdout.contains("hidden"))
        try append(s.log, ["still-going"])
        #expect(agent.waitFor { $0.stdout.contains("} still-going\n") })
        #expect(agent.stop(SIGTERM) == 0)
    }
}
