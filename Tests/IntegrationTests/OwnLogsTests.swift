import FakeLoki
import Foundation
import Testing

/// `logging { write_to = [...] }` in the real binary: the agent's own lines reach Loki through a pipeline, labelled
/// as Alloy labels them, and a pipeline that logs about what it handles does not feed itself.
@Suite(.serialized) struct OwnLogsTests {
    @Test func ownLinesGoThroughThePipelineWithoutFeedingItself() throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let dir = temporaryDirectory()
        let cfg = dir.appendingPathComponent("config.alloy")
        try Self.config(level: "debug", loki: loki).write(to: cfg, atomically: true, encoding: .utf8)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path,
                               "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { _ in loki.entries.contains { $0.line.contains("msg=\"all components started\"") } }, "\(agent.stderr)")
        kill(agent.process.processIdentifier, SIGHUP)   // its "received SIGHUP" line is dropped by the pipeline
        #expect(agent.waitFor { _ in loki.entries.contains { $0.line.contains("msg=\"configuration reloaded\"") } }, "\(agent.stderr)")
        Thread.sleep(forTimeInterval: 3)
        let started = try #require(loki.entries.first { $0.line.contains("msg=\"all components started\"") })
        #expect(started.stream == #"{component="alloy", level="info"}"#)
        #expect(!started.line.hasSuffix("\n"))
        #expect(started.line.hasPrefix("ts="))
        #expect(!loki.entries.contains { $0.line.contains("received SIGHUP") || $0.line.contains("dropped entries") })
        // The guard: the drops' own debug lines stay on standard error and are not sent round again.
        let dropLines = agent.stderr.components(separatedBy: "\n").filter { $0.contains("msg=\"dropped entries\"") }
        #expect(!dropLines.isEmpty, "the pipeline dropped debug lines and said so")
        #expect(dropLines.allSatisfy { $0.contains(" component_id=loki.process.own component_path=/ ") }, "Alloy's fields: \(dropLines)")
        #expect(dropLines.count <= 2, "\(dropLines.count) drop reports in 3 s: the pipeline is feeding itself")
        #expect(agent.stop() == 0)
        // The shutdown lines logged before the pipeline stops arrive too.
        #expect(loki.entries.contains { $0.line.contains("msg=\"received signal, shutting down\"") })
    }

    /// At debug level loki.process logs "dropped entries" for every batch it drops from, and the drop stage drops
    /// that very line: without the guard each report would be delivered, dropped and reported again, forever.
    static func config(level: String, loki: FakeLoki) -> String {
        """
        logging {
        \tlevel    = "\(level)"
        \twrite_to = [loki.process.own.receiver]
        }

        loki.process "own" {
        \tforward_to = [loki.write.loki.receiver]

        \tstage.drop {
        \t\texpression = ".*(msg=\\"dropped entries\\"|msg=\\"received SIGHUP).*"
        \t}
        \tstage.logfmt {
        \t\tmapping = {level = ""}
        \t}
        \tstage.labels {
        \t\tvalues = {level = ""}
        \t}
        }

        \(PipelineConfigs.write(to: loki.pushURL))
        """
    }

    @Test func aReloadChangesTheLevel() throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let dir = temporaryDirectory()
        let cfg = dir.appendingPathComponent("config.alloy")
        try Self.config(level: "info", loki: loki).write(to: cfg, atomically: true, encoding: .utf8)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path,
                               "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { $0.stderr.contains("all components started") })
        // At info level the drop reports (debug) are not logged: a dropped line changes nothing on stderr.
        kill(agent.process.processIdentifier, SIGHUP)   // its "received SIGHUP" line is dropped by the pipeline
        #expect(agent.waitFor { $0.stderr.contains("configuration reloaded") })
        Thread.sleep(forTimeInterval: 1.5)
        #expect(!agent.stderr.contains("level=debug"), "\(agent.stderr)")
        // The reload to level debug takes effect: the next dropped line is reported.
        try Self.config(level: "debug", loki: loki).write(to: cfg, atomically: true, encoding: .utf8)
        kill(agent.process.processIdentifier, SIGHUP)
        #expect(agent.waitFor { $0.stderr.components(separatedBy: "configuration reloaded").count == 3 })
        kill(agent.process.processIdentifier, SIGHUP)
        #expect(agent.waitFor { $0.stderr.contains("msg=\"dropped entries\"") }, "\(agent.stderr)")
        #expect(agent.stop() == 0)
    }

    @Test func writeToMustNameReceivers() throws {
        let dir = temporaryDirectory()
        let cfg = dir.appendingPathComponent("config.alloy")
        try """
        logging {
        \twrite_to = [loki.process.missing.receiver, "text"]
        }
        """.write(to: cfg, atomically: true, encoding: .utf8)
        let (status, _, err) = try Agent.runToEnd(["validate", cfg.path])
        #expect(status == 1)
        #expect(err.contains("config.alloy:2:"), "\(err)")
        #expect(err.contains("loki"), "\(err)")
    }
}
