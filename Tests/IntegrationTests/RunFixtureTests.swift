import Foundation
import Testing

/// Runs the built binary on the bundled fixture, as the README's first command does.
@Suite(.serialized) struct RunFixtureTests {
    static let fixtureLines: [String] = {
        let base = Repo.root.appendingPathComponent("examples/fixtures/var-log-pods")
        var lines: [String] = []
        let e = FileManager.default.enumerator(atPath: base.path)!
        while let rel = e.nextObject() as? String {
            guard rel.hasSuffix(".log") else { continue }
            let text = try! String(contentsOf: base.appendingPathComponent(rel), encoding: .utf8)
            lines += text.split(separator: "\n").map(String.init)
        }
        return lines
    }()

    @Test func echoesEveryFixtureLineWithLabels() throws {
        let storage = temporaryDirectory()
        let agent = try Agent(["run", "examples/local.alloy", "--storage.path", storage.path, "--server.http.listen-addr", "127.0.0.1:0"])
        let expected = Self.fixtureLines
        #expect(expected.count == 10)
        let complete = agent.waitFor { a in expected.allSatisfy { a.stdout.contains(" " + $0 + "\n") } }
        #expect(complete, "not every fixture line was echoed; got:\n\(agent.stdout)\nstderr:\n\(agent.stderr)")

        let out = agent.stdout.split(separator: "\n").map(String.init)
        #expect(out.count == expected.count, "each line exactly once")
        for line in out {
            // 2026-11-25T16:10:43.000828573Z {filename="/…/0.log", job="fixture"} <line>
            let parts = line.split(separator: " ", maxSplits: 1)
            #expect(parts[0].count == 30 && parts[0].hasSuffix("Z"), "RFC 3339 nanosecond timestamp: \(parts[0])")
            #expect(parts[1].hasPrefix("{filename=\"" + Repo.root.path + "/examples/fixtures/var-log-pods/"))
            #expect(parts[1].contains("\", job=\"fixture\"} "))
        }

        if let addr = agent.listenAddress {
            #expect(httpGet("http://\(addr)/-/ready")?.0 == 200)
            #expect(httpGet("http://\(addr)/-/healthy")?.0 == 200)
            let metrics = httpGet("http://\(addr)/metrics")
            #expect(metrics?.0 == 200)
            #expect(metrics?.1.contains("loki_source_file_read_lines_total") == true)
            #expect(metrics?.1.contains("loki_source_file_files_active_total{component_id=\"loki.source.file.pods\"} 4") == true)
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
