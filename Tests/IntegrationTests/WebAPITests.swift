import Foundation
import Testing

/// Alloy's web API on the real binary: the component list with Alloy's field names, graph edges and health, one
/// component with its arguments (secrets hidden) and exports, 404 for an unknown id.
@Suite(.serialized) struct WebAPITests {
    static func config(_ dir: URL) -> String {
        """
        discovery.kubernetes "pods" {
        \trole       = "pod"
        \tapi_server = "http://127.0.0.1:1"
        }

        local.file_match "pods" {
        \tpath_targets = [{"__path__" = "\(dir.path)/*.log"}]
        }

        loki.source.file "pods" {
        \ttargets    = local.file_match.pods.targets
        \tforward_to = [loki.process.pods.receiver]
        }

        loki.process "pods" {
        \tforward_to = [loki.echo.out.receiver, loki.write.loki.receiver]

        \tstage.static_labels {
        \t\tvalues = {team = "data"}
        \t}
        }

        loki.echo "out" { }

        loki.write "loki" {
        \tendpoint {
        \t\turl = "http://127.0.0.1:9/loki/api/v1/push"

        \t\tbasic_auth {
        \t\t\tusername = "agent"
        \t\t\tpassword = "hunter2"
        \t\t}
        \t}
        }
        """
    }

    func json(_ url: String) -> (Int, Any?) {
        guard let (status, body) = httpGet(url) else { return (0, nil) }
        return (status, try? JSONSerialization.jsonObject(with: Data(body.utf8)))
    }

    @Test func componentsAndOneComponentInAlloysShape() throws {
        let dir = temporaryDirectory()
        let cfg = dir.appendingPathComponent("c.alloy")
        try Data(Self.config(dir).utf8).write(to: cfg)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path,
                               "--server.http.listen-addr", "127.0.0.1:0"])
        defer { _ = agent.stop(SIGTERM) }
        #expect(agent.waitFor { $0.listenAddress != nil })
        let base = "http://\(agent.listenAddress ?? "?")/api/v0/web"
        // The discovery fails to reach its API server: unhealthy, with the error.
        var list: [[String: Any]] = []
        #expect(agent.waitFor { _ in
            list = (self.json(base + "/components").1 as? [[String: Any]]) ?? []
            return list.contains { ($0["health"] as? [String: Any])?["state"] as? String == "unhealthy" }
        })
        let byID = Dictionary(uniqueKeysWithValues: list.map { ($0["localID"] as? String ?? "?", $0) })
        #expect(Set(byID.keys) == ["discovery.kubernetes.pods", "local.file_match.pods", "loki.source.file.pods",
                                   "loki.process.pods", "loki.echo.out", "loki.write.loki"])
        for c in list {
            #expect(Set(c.keys) == ["name", "type", "localID", "moduleID", "label", "referencesTo", "referencedBy",
                                    "dataFlowEdgesTo", "health", "original", "liveDebuggingEnabled"], "\(c.keys.sorted())")
            let health = c["health"] as? [String: Any] ?? [:]
            #expect(Set(health.keys) == ["state", "message", "updatedTime"])
            #expect((health["updatedTime"] as? String)?.hasSuffix("Z") == true)
        }
        let source = byID["loki.source.file.pods"] ?? [:]
        #expect(source["name"] as? String == "loki.source.file" && source["label"] as? String == "pods")
        #expect(source["type"] as? String == "block" && source["moduleID"] as? String == "")
        #expect(source["referencesTo"] as? [String] == ["local.file_match.pods", "loki.process.pods"])
        #expect(source["dataFlowEdgesTo"] as? [String] == ["loki.process.pods"])
        #expect(byID["loki.process.pods"]?["dataFlowEdgesTo"] as? [String] == ["loki.echo.out", "loki.write.loki"])
        #expect(byID["loki.write.loki"]?["referencedBy"] as? [String] == ["loki.process.pods"])
        let discovery = byID["discovery.kubernetes.pods"]?["health"] as? [String: Any] ?? [:]
        #expect(discovery["state"] as? String == "unhealthy")
        #expect((discovery["message"] as? String)?.contains("127.0.0.1:1") == true, "\(discovery)")
        #expect((source["health"] as? [String: Any])?["state"] as? String == "healthy")
        // /-/healthy agrees.
        let healthy = httpGet("http://\(agent.listenAddress ?? "?")/-/healthy")
        #expect(healthy?.0 == 500 && healthy?.1.contains("discovery.kubernetes.pods") == true)

        // One component: arguments and exports; the password never leaves the agent.
        guard let (status, raw) = httpGet(base + "/components/loki.write.loki") else {
            Issue.record("no answer")
            return
        }
        #expect(status == 200)
        #expect(!raw.contains("hunter2"), "a secret is never shown")
        let write = try #require(try JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any])
        #expect(write["localID"] as? String == "loki.write.loki")
        let arguments = try #require(write["arguments"] as? [[String: Any]])
        let endpoint = try #require(arguments.first { $0["name"] as? String == "endpoint" })
        #expect(endpoint["type"] as? String == "block")
        let auth = try #require((endpoint["body"] as? [[String: Any]])?.first { $0["name"] as? String == "basic_auth" })
        let password = (auth["body"] as? [[String: Any]])?.first { $0["name"] as? String == "password" }
        #expect(password?["value"] as? [String: String] == ["type": "capsule", "value": "(secret)"])
        let exports = try #require(write["exports"] as? [[String: Any]])
        #expect(exports.first?["name"] as? String == "receiver")
        #expect((exports.first?["value"] as? [String: String])?["value"] == "loki.write.loki.receiver")
        #expect(httpGet(base + "/components/loki.write.nope")?.0 == 404)
        #expect(httpGet(base + "/nothing")?.0 == 404)
    }
}
