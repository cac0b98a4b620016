import FakeLoki
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// Reloading the configuration of the running binary (SIGHUP and `/-/reload`) without losing or repeating a line.
@Suite(.serialized) struct ReloadTests {
    func config(_ s: Setup, version: String, second: Bool = false) -> String {
        var text = """
        loki.source.file "app" {
        \ttargets    = [{"__path__" = "\(s.log.path)", job = "app"}]
        \tforward_to = [loki.process.label.receiver]
        }

        loki.process "label" {
        \tforward_to = [loki.write.loki.receiver]

        \tstage.static_labels {
        \t\tvalues = {config = "\(version)"}
        \t}
        }

        loki.write "loki" {
        \tendpoint {
        \t\turl                = "\(s.loki.pushURL)"
        \t\tbatch_wait         = "100ms"
        \t\tmin_backoff_period = "50ms"
        \t}
        }

        """
        if second {
            text += """
            loki.source.file "second" {
            \ttargets    = [{"__path__" = "\(s.second.path)", job = "second"}]
            \tforward_to = [loki.write.loki.receiver]
            }

            """
        }
        return text
    }

    struct Setup {
        let dir: URL
        let log: URL
        let second: URL
        let cfg: URL
        let loki: FakeLoki
        var args: [String] {
            ["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"]
        }
    }

    func setUp() throws -> Setup {
        let loki = FakeLoki()
        try loki.start()
        let dir = temporaryDirectory()
        let s = Setup(dir: dir, log: dir.appendingPathComponent("app.log"), second: dir.appendingPathComponent("second.log"),
                      cfg: dir.appendingPathComponent("c.alloy"), loki: loki)
        FileManager.default.createFile(atPath: s.log.path, contents: nil)
        FileManager.default.createFile(atPath: s.second.path, contents: nil)
        try Data(config(s, version: "v1").utf8).write(to: s.cfg)
        return s
    }

    func append(_ url: URL, _ lines: [String]) throws {
        let h = try FileHandle(forWritingTo: url)
        h.seekToEndOfFile()
        h.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        try h.close()
    }

    func post(_ url: String) -> (Int, String)? {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        let sem = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, String)? = nil
        URLSession.shared.dataTask(with: request) { data, response, _ in
            if let r = response as? HTTPURLResponse { result = (r.statusCode, String(decoding: data ?? Data(), as: UTF8.self)) }
            sem.signal()
        }.resume()
        _ = sem.wait(timeout: .now() + 30)
        return result
    }

    func label(_ e: FakeLoki.Entry) -> String? {
        guard let r = e.stream.range(of: "config=\"") else { return nil }
        return String(e.stream[r.upperBound...].prefix { $0 != "\"" })
    }

    @Test func linesKeepFlowingThroughReloadsWithNothingLostOrRepeated() throws {
        let s = try setUp()
        defer { s.loki.shutdown() }
        let agent = try Agent(s.args)
        #expect(agent.waitFor { $0.stderr.contains("all components started") }, "\(agent.stderr)")
        let addr = try #require(agent.listenAddress)
        var written: [String] = []
        func write(_ n: Int, _ tag: String) throws {
            let lines = (0..<n).map { "\(tag)-\(written.count + $0)" }
            written += lines
            try append(s.log, lines)
        }
        // A steady stream of lines, the configuration changed twice underneath it.
        for round in 0..<6 { try write(2_000, "before-v2-\(round)"); Thread.sleep(forTimeInterval: 0.05) }
        try Data(config(s, version: "v2").utf8).write(to: s.cfg)
        kill(agent.process.processIdentifier, SIGHUP)
        for round in 0..<6 { try write(2_000, "around-v2-\(round)"); Thread.sleep(forTimeInterval: 0.05) }
        #expect(agent.waitFor { $0.stderr.contains("updated=loki.process.label") })
        try write(10, "after-v2")
        try Data(config(s, version: "v3").utf8).write(to: s.cfg)
        let reload = post("http://\(addr)/-/reload")
        #expect(reload?.0 == 200, "\(reload?.1 ?? "no answer")")
        #expect(reload?.1 == "config reloaded (added: 0, updated: 1, removed: 0, unchanged: 2)\n")
        try write(10, "after-v3")
        for round in 0..<4 { try write(2_000, "tail-\(round)"); Thread.sleep(forTimeInterval: 0.05) }
        let all = agent.waitFor(timeout: 60) { _ in s.loki.entries.count >= written.count }
        Thread.sleep(forTimeInterval: 0.5)
        #expect(agent.stop(SIGTERM) == 0)
        #expect(all, "received \(s.loki.entries.count) of \(written.count)")
        #expect(s.loki.entries.map(\.line).sorted() == written.sorted(), "every line exactly once")
        #expect(s.loki.stats.duplicates == 0, "no line sent twice: the file source and the WAL were left alone")
        let byLine = Dictionary(s.loki.entries.map { ($0.line, label($0)) }, uniquingKeysWith: { a, _ in a })
        #expect(written.filter { $0.hasPrefix("before-v2-0") }.allSatisfy { byLine[$0] == "v1" })
        #expect(written.filter { $0.hasPrefix("after-v2") }.allSatisfy { byLine[$0] == "v2" })
        #expect(written.filter { $0.hasPrefix("after-v3") || $0.hasPrefix("tail-") }.allSatisfy { byLine[$0] == "v3" })
    }

    @Test func anInvalidConfigurationIsRefusedAndThePipelineKeepsGoing() throws {
        let s = try setUp()
        defer { s.loki.shutdown() }
        let agent = try Agent(s.args)
        #expect(agent.waitFor { $0.stderr.contains("all components started") }, "\(agent.stderr)")
        let addr = try #require(agent.listenAddress)
        try append(s.log, ["one"])
        #expect(agent.waitFor { _ in s.loki.entries.count == 1 })
        // A type error, then an unknown component reached by SIGHUP.
        try Data(config(s, version: "v2").replacingOccurrences(of: "batch_wait         = \"100ms\"", with: "batch_wait         = 100").utf8).write(to: s.cfg)
        let answer = post("http://\(addr)/-/reload")
        #expect(answer?.0 == 400)
        #expect(answer?.1.contains("Error: \(s.cfg.path):17:24: ") == true, "\(answer?.1 ?? "no answer")")
        try Data((config(s, version: "v2") + "loki.nothing \"x\" { }\n").utf8).write(to: s.cfg)
        kill(agent.process.processIdentifier, SIGHUP)
        #expect(agent.waitFor { $0.stderr.contains("cannot find the definition of component name \\\"loki.nothing\\\"") }, "\(agent.stderr)")
        try append(s.log, ["two"])
        #expect(agent.waitFor { _ in s.loki.entries.count == 2 })
        #expect(s.loki.entries.map { label($0) } == ["v1", "v1"], "the old pipeline runs on unchanged")
        let metrics = httpGet("http://\(addr)/metrics")?.1 ?? ""
        #expect(metrics.contains("alloy_config_last_load_successful 0"), "\(metrics)")
        #expect(metrics.contains("alloy_config_load_failures_total 2"))
        #expect(agent.stop(SIGTERM) == 0)
    }

    @Test func componentsAreAddedAndRemoved() throws {
        let s = try setUp()
        defer { s.loki.shutdown() }
        let agent = try Agent(s.args)
        #expect(agent.waitFor { $0.stderr.contains("all components started") }, "\(agent.stderr)")
        let addr = try #require(agent.listenAddress)
        try append(s.second, ["second-before"])
        try Data(config(s, version: "v1", second: true).utf8).write(to: s.cfg)
        let added = post("http://\(addr)/-/reload")
        #expect(added?.1 == "config reloaded (added: 1, updated: 0, removed: 0, unchanged: 3)\n", "\(added?.1 ?? "none")")
        try append(s.second, ["second-while-added"])
        #expect(agent.waitFor { _ in s.loki.entries.count == 2 }, "\(agent.stderr)")
        try Data(config(s, version: "v1").utf8).write(to: s.cfg)
        let removed = post("http://\(addr)/-/reload")
        #expect(removed?.1 == "config reloaded (added: 0, updated: 0, removed: 1, unchanged: 3)\n", "\(removed?.1 ?? "none")")
        try append(s.second, ["second-after-removal"])
        try append(s.log, ["app-after-removal"])
        #expect(agent.waitFor { _ in s.loki.entries.contains { $0.line == "app-after-removal" } })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(Set(s.loki.entries.map(\.line)) == ["second-before", "second-while-added", "app-after-removal"])
        #expect(agent.stop(SIGTERM) == 0)
    }

    /// A CRI partial line held by `stage.cri` survives a reload that changes only `loki.write`: the `loki.process`
    /// block is written as before, so its pipeline (and what it holds) is kept.
    @Test func aHeldPartialLineSurvivesAReloadOfTheWriter() throws {
        let s = try setUp()
        defer { s.loki.shutdown() }
        func config(batchWait: String) -> String {
            """
            loki.source.file "app" {
            \ttargets    = [{"__path__" = "\(s.log.path)", job = "app"}]
            \tforward_to = [loki.process.cri.receiver]
            }

            loki.process "cri" {
            \tforward_to = [loki.write.loki.receiver]

            \tstage.cri { }
            }

            loki.write "loki" {
            \tendpoint {
            \t\turl        = "\(s.loki.pushURL)"
            \t\tbatch_wait = "\(batchWait)"
            \t}
            }

            """
        }
        try Data(config(batchWait: "100ms").utf8).write(to: s.cfg)
        let agent = try Agent(s.args)
        #expect(agent.waitFor { $0.stderr.contains("all components started") }, "\(agent.stderr)")
        let addr = try #require(agent.listenAddress)
        try append(s.log, ["2026-11-25T10:00:00.000000001Z stdout F whole line", "2026-11-25T10:00:00.000000002Z stdout P first half, "])
        #expect(agent.waitFor { _ in s.loki.entries.count == 1 })
        try Data(config(batchWait: "200ms").utf8).write(to: s.cfg)
        let answer = post("http://\(addr)/-/reload")
        #expect(answer?.1 == "config reloaded (added: 0, updated: 1, removed: 0, unchanged: 2)\n", "\(answer?.1 ?? "none")")
        try append(s.log, ["2026-11-25T10:00:00.000000003Z stdout F second half"])
        #expect(agent.waitFor { _ in s.loki.entries.count >= 2 })
        Thread.sleep(forTimeInterval: 0.5)
        #expect(agent.stop(SIGTERM) == 0)
        #expect(s.loki.entries.map(\.line) == ["whole line", "first half, second half"])
    }
}
