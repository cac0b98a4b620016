import Foundation
import Testing

/// The web UI served by the real binary, in a real headless Chromium (`scripts/browser-eval.py`, the DevTools
/// protocol): the component list, a component's page, the pipeline graph with live rates, and live debugging.
@Suite(.serialized) struct WebUITests {
    /// The value of `expression` in the page at `url` once truthy (JSON-decoded), or its last value.
    func evaluate(_ url: String, _ expression: String, timeout: Int = 15) throws -> Any? {
        let (status, out, err) = try runProcess("/usr/bin/python3", [Repo.root.appendingPathComponent("scripts/browser-eval.py").path,
                                                                   url, expression, String(timeout)])
        guard status == 0 else {
            Issue.record("browser-eval failed (\(status)): \(err)")
            return nil
        }
        return try JSONSerialization.jsonObject(with: Data(out.utf8), options: .fragmentsAllowed)
    }

    @Test func pagesRenderTheRunningPipeline() throws {
        let dir = temporaryDirectory()
        let log = dir.appendingPathComponent("app.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let cfg = dir.appendingPathComponent("c.alloy")
        try Data("""
        livedebugging {
        \tenabled = true
        }

        loki.source.file "app" {
        \ttargets    = [{"__path__" = "\(log.path)"}]
        \tforward_to = [loki.process.p.receiver]
        }

        \(PipelineConfigs.labelToEchoAndWrite(process: "p"))

        loki.source.journal "system" {
        \tpath       = "\(dir.path)/no-journal"
        \tforward_to = [loki.write.loki.receiver]
        }
        """.utf8).write(to: cfg)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path,
                               "--server.http.listen-addr", "127.0.0.1:0"])
        defer { _ = agent.stop(SIGTERM) }
        #expect(agent.waitFor { $0.listenAddress != nil })
        let base = "http://\(agent.listenAddress ?? "?")"
        // Lines keep coming while the pages are open.
        let writing = Thread {
            guard let h = try? FileHandle(forWritingTo: log) else { return }
            for i in 0..<300 {
                h.seekToEndOfFile()
                h.write(Data("ui-line-\(i)\n".utf8))
                Thread.sleep(forTimeInterval: 0.1)
            }
            try? h.close()
        }
        writing.start()

        // The list: every component with its health; the journal source without its directory is unhealthy.
        #expect(agent.waitFor { _ in httpGet(base + "/api/v0/web/components")?.1.contains("unhealthy") == true })
        let rows = try evaluate(base + "/", """
            document.querySelectorAll('tr[data-id]').length >= 5 && Array.from(document.querySelectorAll('tr[data-id]'))
              .map(r => r.dataset.id + ' ' + r.querySelector('.state').textContent).join('\\n')
            """) as? String ?? ""
        #expect(rows.split(separator: "\n").sorted() == ["loki.echo.out healthy", "loki.process.p healthy", "loki.source.file.app healthy",
                                                        "loki.source.journal.system unhealthy", "loki.write.loki healthy"], "\(rows)")

        // A component's page: arguments (the password hidden), references, debug info.
        let page = try evaluate(base + "/component/loki.write.loki", """
            document.getElementById('component-id') && document.querySelector('pre.debug-info') &&
              [document.getElementById('component-id').textContent, document.querySelector('pre.arguments').textContent,
               document.querySelector('pre.debug-info').textContent, document.body.textContent.includes('hunter2') ? 'LEAK' : 'ok',
               Array.from(document.querySelectorAll('a[href^="/component/"]')).map(a => a.textContent).join(',')].join('\\n---\\n')
            """) as? String ?? ""
        let parts = page.components(separatedBy: "\n---\n")
        #expect(parts.count == 5, "\(page)")
        if parts.count == 5 {
            #expect(parts[0] == "loki.write.loki")
            #expect(parts[1].contains("password = (secret)") && parts[1].contains("username = \"agent\""), "\(parts[1])")
            #expect(parts[1].contains("endpoint {") && parts[1].contains("basic_auth {"), "\(parts[1])")
            #expect(parts[2].contains("wal_bytes = ") && parts[2].contains("endpoint {"), "\(parts[2])")
            #expect(parts[3] == "ok", "the password is not in the page")
            #expect(parts[4].contains("loki.process.p") && parts[4].contains("loki.source.journal.system"), "\(parts[4])")
        }

        // The graph: one node per component, and the entries per second on the edges once they are measured.
        let graph = try evaluate(base + "/graph", """
            document.getElementById('graph') && Array.from(document.querySelectorAll('text.rate')).some(t => t.textContent.endsWith('/s')) &&
              Array.from(document.querySelectorAll('g.node')).map(g => g.dataset.id).sort().join(',') + '|' +
              Array.from(document.querySelectorAll('text.rate')).map(t => t.textContent).filter(t => t).join(',')
            """, timeout: 20) as? String ?? ""
        #expect(graph.hasPrefix("loki.echo.out,loki.process.p,loki.source.file.app,loki.source.journal.system,loki.write.loki|"), "\(graph)")
        #expect(graph.contains("/s"), "rates appear: \(graph)")

        // Live debugging: the entries the processing component receives and emits.
        let live = try evaluate(base + "/debug/loki.process.p", """
            document.getElementById('live') && document.getElementById('live').textContent.includes('[OUT]') &&
              Array.from(document.querySelectorAll('#live div')).map(d => d.textContent).find(t => t.startsWith('[OUT]'))
            """) as? String ?? ""
        #expect(live.hasPrefix("[OUT]: timestamp: ") && live.contains("entry: ui-line-") && live.contains("team=\"data\""), "\(live)")
    }

    /// A custom component's page links to the module it runs; the module's page lists the body's components,
    /// whose pages name them by their full ids.
    @Test func modulePagesLinkIntoTheBody() throws {
        let dir = temporaryDirectory()
        let cfg = dir.appendingPathComponent("c.alloy")
        try Data("""
        declare "sink" {
        \tloki.echo "out" { }

        \texport "receiver" {
        \t\tvalue = loki.echo.out.receiver
        \t}
        }

        sink "main" { }

        loki.source.file "app" {
        \ttargets    = [{"__path__" = "\(dir.path)/app.log"}]
        \tforward_to = [sink.main.receiver]
        }

        """.utf8).write(to: cfg)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path,
                               "--server.http.listen-addr", "127.0.0.1:0"])
        defer { _ = agent.stop(SIGTERM) }
        #expect(agent.waitFor { $0.stderr.contains("all components started") }, "\(agent.stderr)")
        let base = "http://\(agent.listenAddress ?? "?")"
        let modules = try evaluate(base + "/component/sink.main", """
            document.querySelector('a.module') && Array.from(document.querySelectorAll('a.module')).map(a => a.getAttribute('href')).join(',')
            """) as? String
        #expect(modules == "/module/sink.main")
        let rows = try evaluate(base + "/module/sink.main", """
            document.querySelectorAll('tr[data-id]').length >= 2 && [document.getElementById('list-title').textContent,
              ...Array.from(document.querySelectorAll('tr[data-id]')).map(r => r.dataset.id + ' ' + r.querySelector('a').getAttribute('href'))].join('\\n')
            """) as? String ?? ""
        #expect(rows.split(separator: "\n").map(String.init) == ["Module sink.main", "sink.main/loki.echo.out /component/sink.main/loki.echo.out",
                                                                "sink.main/export.receiver /component/sink.main/export.receiver"], "\(rows)")
        let title = try evaluate(base + "/component/sink.main/loki.echo.out", """
            document.getElementById('component-id') && document.getElementById('component-id').textContent
            """) as? String
        #expect(title == "sink.main/loki.echo.out")
        // The module's own graph, reached from its page: the body's components, linking by full id.
        let graphLink = try evaluate(base + "/module/sink.main", """
            document.getElementById('module-graph') && document.getElementById('module-graph').getAttribute('href')
            """) as? String
        #expect(graphLink == "/graph/sink.main")
        let nodes = try evaluate(base + "/graph/sink.main", """
            document.getElementById('graph') && [document.getElementById('graph-title').textContent,
              ...Array.from(document.querySelectorAll('g.node')).map(g => g.dataset.id + ' ' + g.querySelector('a').getAttribute('href')).sort()].join('\\n')
            """) as? String ?? ""
        #expect(nodes.split(separator: "\n").map(String.init) == ["Module sink.main", "export.receiver /component/sink.main/export.receiver",
                                                                 "loki.echo.out /component/sink.main/loki.echo.out"], "\(nodes)")
    }
}
