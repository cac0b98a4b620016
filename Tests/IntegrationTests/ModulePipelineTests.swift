import FakeLoki
import Foundation
import LoopbackServers
import Testing

/// A module server on loopback: answers GET requests from a table of paths (status and body), recording the
/// `Authorization` header of each request.
final class ModuleServer: Sendable {
    let pages: Shared<[String: Page]>
    let authorizations: Shared<[String]>
    private let listener: LoopbackListener

    struct Page: Sendable {
        var status: Int
        var body: String
    }

    init() throws {
        let pages = Shared<[String: Page]>([:]), authorizations = Shared<[String]>([])
        self.pages = pages
        self.authorizations = authorizations
        listener = try LoopbackListener { c in
            defer { close(c) }
            guard let (head, _) = LoopbackListener.readHead(c) else { return }
            let path = head.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
            let auth = LoopbackListener.headers(head).first { $0.name.lowercased() == "authorization" }?.value ?? ""
            authorizations.withLock { $0.append(auth) }
            let page = pages.withLock { $0[path] } ?? Page(status: 404, body: "no module here")
            let (status, body) = (page.status, page.body)
            let reason = status == 200 ? "OK" : "Not Found"
            LoopbackListener.writeAll(c, Array("HTTP/1.1 \(status) \(reason)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8))
        }
    }

    var base: String { "http://127.0.0.1:\(listener.port)" }
    func stop() { listener.stop() }
}

/// Configurations built from modules, run by the real binary: `import.file` (and a reload when the module file
/// changes), `import.http` from a loopback server, and `foreach`; their components show up under Alloy's nested ids.
@Suite(.serialized) struct ModulePipelineTests {
    static let tagger = """
    declare "tagger" {
    \targument "forward_to" {
    \t\tcomment = "Where the tagged lines go."
    \t}

    \targument "tag" {
    \t\toptional = true
    \t\tdefault  = "none"
    \t}

    \tloki.process "tag" {
    \t\tforward_to = argument.forward_to.value

    \t\tstage.static_labels {
    \t\t\tvalues = {tag = argument.tag.value}
    \t\t}

    \t\tstage.metrics {
    \t\t\tmetric.counter {
    \t\t\t\tname      = "tagged_total"
    \t\t\t\tmatch_all = true
    \t\t\t\taction    = "inc"
    \t\t\t}
    \t\t}
    \t}

    \texport "receiver" {
    \t\tvalue = loki.process.tag.receiver
    \t}
    }

    """

    func pipeline(importBlock: String, log: URL, loki: FakeLoki) -> String {
        """
        livedebugging {
        \tenabled = true
        }

        \(importBlock)

        loki.source.file "app" {
        \ttargets    = [{"__path__" = "\(log.path)", job = "app"}]
        \tforward_to = [lib.tagger.first.receiver]
        }

        lib.tagger "first" {
        \tforward_to = [loki.write.loki.receiver]
        \ttag        = "v1"
        }

        \(PipelineConfigs.write(to: loki.pushURL))

        """
    }

    func append(_ url: URL, _ lines: [String]) throws {
        let h = try FileHandle(forWritingTo: url)
        h.seekToEndOfFile()
        h.write(Data(lines.map { $0 + "\n" }.joined().utf8))
        try h.close()
    }

    @Test func importFileRunsAndReloadsWhenTheModuleChanges() throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let dir = temporaryDirectory()
        let lib = dir.appendingPathComponent("lib")
        try FileManager.default.createDirectory(at: lib, withIntermediateDirectories: true)
        try Data(Self.tagger.utf8).write(to: lib.appendingPathComponent("tagger.alloy"))
        let log = dir.appendingPathComponent("app.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let cfg = dir.appendingPathComponent("c.alloy")
        try Data(pipeline(importBlock: "import.file \"lib\" {\n\tfilename = \"\(lib.path)\"\n}", log: log, loki: loki).utf8).write(to: cfg)

        let (status, _, err) = try Agent.runToEnd(["validate", cfg.path])
        #expect(status == 0, "\(err)")
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { $0.stderr.contains("all components started") }, "\(agent.stderr)")
        try append(log, ["one", "two"])
        #expect(agent.waitFor { _ in loki.entries.count == 2 }, "\(agent.stderr)")
        #expect(loki.entries.allSatisfy { $0.stream.contains("tag=\"v1\"") }, "\(loki.entries)")

        let addr = try #require(agent.listenAddress)
        let metrics = httpGet("http://\(addr)/metrics")?.1 ?? ""
        // Alloy's labels: the local id, and the module the component runs in (stage.metrics series as well).
        #expect(metrics.contains("loki_process_cri_partial_lines_flushed_total{component_id=\"loki.process.tag\",component_path=\"/lib.tagger.first\"}"), "\(metrics)")
        #expect(metrics.contains("loki_source_file_read_lines_total{component_id=\"loki.source.file.app\",component_path=\"/\""), "\(metrics)")
        let tagged = metrics.split(separator: "\n").filter { $0.hasPrefix("loki_process_custom_tagged_total{") }
        #expect(tagged.count == 1 && tagged[0].hasPrefix("loki_process_custom_tagged_total{component_id=\"loki.process.tag\",component_path=\"/lib.tagger.first\",")
                && tagged[0].contains("tag=\"v1\"") && tagged[0].hasSuffix(" 2.0"), "\(tagged)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("data/lib.tagger.first").path))
        try checkWebAPI(addr)

        // The module is edited: the agent notices within its poll and applies the new body.
        let edited = Self.tagger.replacingOccurrences(of: "values = {tag = argument.tag.value}",
                                                      with: "values = {tag = argument.tag.value, edited = \"yes\"}")
        try Data(edited.utf8).write(to: lib.appendingPathComponent("tagger.alloy"))
        #expect(agent.waitFor { $0.stderr.contains("an imported module changed") && $0.stderr.contains("configuration reloaded") }, "\(agent.stderr)")
        try append(log, ["three"])
        #expect(agent.waitFor { _ in loki.entries.count == 3 }, "\(agent.stderr)")
        #expect(loki.entries.first { $0.line == "three" }?.stream.contains("edited=\"yes\"") == true, "\(loki.entries)")

        // A broken edit is refused and the running pipeline carries on.
        try Data("declare \"tagger\" {\n\tnonsense\n}\n".utf8).write(to: lib.appendingPathComponent("tagger.alloy"))
        #expect(agent.waitFor { $0.stderr.contains("the new configuration is refused") }, "\(agent.stderr)")
        try append(log, ["four"])
        #expect(agent.waitFor { _ in loki.entries.count == 4 }, "\(agent.stderr)")
        #expect(agent.stop(SIGTERM) == 0)
        #expect(loki.entries.map(\.line) == ["one", "two", "three", "four"])
        #expect(loki.stats.duplicates == 0)
    }

    /// Alloy's web API shows the module: the instance names the module it created, the module's components are
    /// listed under it with their `moduleID`, and one of them answers by its full id.
    func checkWebAPI(_ addr: String) throws {
        let api = "http://\(addr)/api/v0/web"
        let top = try #require(httpGet(api + "/components"))
        let list = try #require(try JSONSerialization.jsonObject(with: Data(top.1.utf8)) as? [[String: Any]])
        let instance = try #require(list.first { $0["localID"] as? String == "lib.tagger.first" })
        #expect(instance["createdModuleIDs"] as? [String] == ["lib.tagger.first"], "\(instance)")
        #expect(instance["name"] as? String == "lib.tagger")
        let source = try #require(list.first { $0["localID"] as? String == "loki.source.file.app" })
        #expect(source["dataFlowEdgesTo"] as? [String] == ["lib.tagger.first"], "the edge goes to the instance owning the receiver")
        let inner = try #require(httpGet(api + "/modules/lib.tagger.first/components"))
        #expect(inner.0 == 200)
        let innerList = try #require(try JSONSerialization.jsonObject(with: Data(inner.1.utf8)) as? [[String: Any]])
        #expect(Set(innerList.compactMap { $0["localID"] as? String })
                == ["argument.forward_to", "argument.tag", "loki.process.tag", "export.receiver"], "\(inner.1)")
        #expect(innerList.allSatisfy { $0["moduleID"] as? String == "lib.tagger.first" })
        let detail = try #require(httpGet(api + "/components/lib.tagger.first/loki.process.tag"))
        #expect(detail.0 == 200 && detail.1.contains("\"moduleID\":\"lib.tagger.first\""), "\(detail.1)")
        #expect(detail.1.contains("\"liveDebuggingEnabled\":true"), "live debugging finds the component by its full id")
        #expect(httpGet(api + "/modules/lib.tagger.nothing/components")?.0 == 404)
        let healthy = try #require(httpGet("http://\(addr)/-/healthy"))
        #expect(healthy.0 == 200, "\(healthy.1)")
    }

    @Test func importHTTPFetchesWithTheClientBlock() throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let server = try ModuleServer()
        defer { server.stop() }
        server.pages.withLock { $0["/modules/tagger.alloy"] = .init(status: 200, body: Self.tagger) }
        let dir = temporaryDirectory()
        let log = dir.appendingPathComponent("app.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let cfg = dir.appendingPathComponent("c.alloy")
        let block = """
        import.http "lib" {
        \turl            = "\(server.base)/modules/tagger.alloy"
        \tpoll_frequency = "1s"

        \tclient {
        \t\tbearer_token = "module-token"
        \t}
        }
        """
        try Data(pipeline(importBlock: block, log: log, loki: loki).utf8).write(to: cfg)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { $0.stderr.contains("all components started") }, "\(agent.stderr)")
        try append(log, ["fetched"])
        #expect(agent.waitFor { _ in loki.entries.count == 1 }, "\(agent.stderr)")
        #expect(loki.entries.first?.stream.contains("tag=\"v1\"") == true)
        #expect(server.authorizations.withLock { $0.first } == "Bearer module-token")

        // The server's module changes: the next poll sees it and the configuration is reloaded.
        server.pages.withLock { $0["/modules/tagger.alloy"] = .init(status: 200, body: Self.tagger.replacingOccurrences(of: "tag = argument.tag.value", with: "tag = argument.tag.value + \"-http\"")) }
        #expect(agent.waitFor { $0.stderr.contains("configuration reloaded") }, "\(agent.stderr)")
        try append(log, ["refetched"])
        #expect(agent.waitFor { _ in loki.entries.count == 2 }, "\(agent.stderr)")
        #expect(loki.entries.last?.stream.contains("tag=\"v1-http\"") == true, "\(loki.entries)")
        #expect(agent.stop(SIGTERM) == 0)

        // A module the server does not have: the load fails with the server's answer at the import block.
        let missing = block.replacingOccurrences(of: "/modules/tagger.alloy", with: "/modules/none.alloy")
        try Data(pipeline(importBlock: missing, log: log, loki: loki).utf8).write(to: cfg)
        let (status, _, err) = try Agent.runToEnd(["validate", cfg.path])
        #expect(status == 1)
        #expect(err.contains("\(cfg.path):5:1: failed to fetch module from \(server.base)/modules/none.alloy: unexpected status code 404 Not Found: no module here"), "\(err)")
    }

    @Test func foreachRunsACopyPerItem() throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let dir = temporaryDirectory()
        for name in ["api", "worker"] { _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("\(name).log").path, contents: nil) }
        let cfg = dir.appendingPathComponent("c.alloy")
        try Data("""
        livedebugging {
        \tenabled = true
        }

        foreach "apps" {
        \tcollection = ["api", "worker"]
        \tvar        = "app"

        \ttemplate {
        \t\tloki.source.file "logs" {
        \t\t\ttargets    = [{"__path__" = "\(dir.path)/" + app + ".log", job = app}]
        \t\t\tforward_to = [loki.write.loki.receiver]
        \t\t}
        \t}
        }

        \(PipelineConfigs.write(to: loki.pushURL))

        """.utf8).write(to: cfg)
        let (status, _, err) = try Agent.runToEnd(["validate", cfg.path])
        #expect(status == 1)
        #expect(err.contains("\(cfg.path):5:1: foreach is at stability level \"experimental\", which is below the minimum allowed stability level \"generally-available\""), "\(err)")
        let agent = try Agent(["run", cfg.path, "--stability.level=experimental", "--storage.path", dir.appendingPathComponent("data").path,
                               "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor { $0.stderr.contains("all components started") }, "\(agent.stderr)")
        try append(dir.appendingPathComponent("api.log"), ["from api"])
        try append(dir.appendingPathComponent("worker.log"), ["from worker"])
        #expect(agent.waitFor { _ in loki.entries.count == 2 }, "\(agent.stderr)")
        let jobs = Dictionary(loki.entries.map { ($0.line, $0.stream) }, uniquingKeysWith: { a, _ in a })
        #expect(jobs["from api"]?.contains("job=\"api\"") == true && jobs["from worker"]?.contains("job=\"worker\"") == true, "\(jobs)")
        let addr = try #require(agent.listenAddress)
        // Without enable_metrics, as in Alloy, the copies' components export no series.
        let metrics = httpGet("http://\(addr)/metrics")?.1 ?? ""
        #expect(metrics.contains("loki_write_sent_entries_total{component_id=\"loki.write.loki\",component_path=\"/\""), "\(metrics.prefix(3000))")
        #expect(!metrics.contains("component_path=\"/foreach.apps/"), "\(metrics)")
        let copies = httpGet("http://\(addr)/api/v0/web/components/foreach.apps")?.1 ?? ""
        #expect(copies.contains("\"createdModuleIDs\":[\"foreach.apps/foreach_api_1\",\"foreach.apps/foreach_worker_1\"]"), "\(copies)")
        let copy = httpGet("http://\(addr)/api/v0/web/modules/foreach.apps/foreach_worker_1/components")?.1 ?? ""
        #expect(copy.contains("\"localID\":\"loki.source.file.logs\""), "\(copy)")
        // Live debugging of a copy's component, by its full id, and the rates of one copy's graph (the top level's
        // graph has only the top level's components).
        #expect(httpGet("http://\(addr)/api/v0/web/graph/foreach.apps/foreach_none_1?window=1")?.0 == 404)
        let live = try RawHTTP(addr, "/api/v0/web/debug/foreach.apps/foreach_api_1/loki.source.file.logs")
        let copyGraph = try RawHTTP(addr, "/api/v0/web/graph/foreach.apps/foreach_api_1?window=1")
        let topGraph = try RawHTTP(addr, "/api/v0/web/graph?window=1")
        Thread.sleep(forTimeInterval: 0.3)
        try append(dir.appendingPathComponent("api.log"), ["api, watched"])
        let seen = live.read(atLeast: 1 << 20, timeout: 10) { $0.contains("entry: api, watched") }
        #expect(seen.contains("[OUT]: ") && seen.contains("entry: api, watched") && seen.contains("job=\"api\""), "\(seen)")
        let rates = copyGraph.read(atLeast: 1 << 20, timeout: 10) { $0.contains("foreach_api_1/loki.source.file.logs") }
        #expect(rates.contains(#""componentID":"foreach.apps/foreach_api_1/loki.source.file.logs""#), "\(rates)")
        let topRates = topGraph.read(atLeast: 1 << 20, timeout: 10) { $0.components(separatedBy: "|;|").count > 3 }
        #expect(topRates.components(separatedBy: "|;|").count > 3 && !topRates.contains("foreach.apps/"), "\(topRates)")
        live.close()
        copyGraph.close()
        topGraph.close()
        #expect(agent.waitFor { _ in loki.entries.count == 3 }, "\(agent.stderr)")

        // enable_metrics turned on: the copies start anew, exporting their series, and read on where they were.
        let text = try String(contentsOf: cfg, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\tvar        = \"app\"", with: "\tvar        = \"app\"\n\tenable_metrics = true").utf8).write(to: cfg)
        #expect(httpGet("http://\(addr)/-/reload")?.0 == 200)
        try append(dir.appendingPathComponent("worker.log"), ["worker, measured"])
        #expect(agent.waitFor { _ in loki.entries.count == 4 }, "\(agent.stderr)")
        Thread.sleep(forTimeInterval: 0.5)
        #expect(loki.entries.map(\.line).sorted() == ["api, watched", "from api", "from worker", "worker, measured"], "no line twice")
        let measured = httpGet("http://\(addr)/metrics")?.1 ?? ""
        #expect(measured.contains("loki_source_file_read_lines_total{component_id=\"loki.source.file.logs\",component_path=\"/foreach.apps/foreach_worker_1\","),
                "\(measured)")
        #expect(agent.stop(SIGTERM) == 0)
    }
}
