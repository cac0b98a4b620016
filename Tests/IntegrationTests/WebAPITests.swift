import FakeLoki
import Foundation
#if canImport(Glibc)
import Glibc
#endif
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

        \(PipelineConfigs.labelToEchoAndWrite(process: "pods"))
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
        let debugInfo = try #require(write["debugInfo"] as? [[String: Any]])
        #expect(debugInfo.map { $0["name"] as? String ?? "" } == ["wal_bytes", "wal_segments", "endpoint"])
        let exports = try #require(write["exports"] as? [[String: Any]])
        #expect(exports.first?["name"] as? String == "receiver")
        #expect((exports.first?["value"] as? [String: String])?["value"] == "loki.write.loki.receiver")
        #expect(httpGet(base + "/components/loki.write.nope")?.0 == 404)
        #expect(httpGet(base + "/nothing")?.0 == 404)
        // Without a livedebugging block nothing streams, and every component says so.
        let disabled = httpGet(base + "/debug/loki.process.pods")
        #expect(disabled?.0 == 400 && disabled?.1.contains("livedebugging { enabled = true }") == true)
        #expect(list.allSatisfy { $0["liveDebuggingEnabled"] as? Bool == false })
    }

    /// Live debugging under load: a reader sees what a component receives and emits, framed as Alloy frames it;
    /// a reader that never reads loses chunks (counted) while every line is still delivered.
    @Test func liveDebuggingUnderLoadWithAStalledReader() throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
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

        loki.process "p" {
        \tforward_to = [loki.write.loki.receiver]

        \tstage.static_labels {
        \t\tvalues = {team = "data"}
        \t}
        }

        \(PipelineConfigs.write(to: loki.pushURL))
        """.utf8).write(to: cfg)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path,
                               "--server.http.listen-addr", "127.0.0.1:0"])
        defer { _ = agent.stop(SIGTERM) }
        #expect(agent.waitFor { $0.listenAddress != nil })
        let address = agent.listenAddress ?? "?"
        let list = (json("http://\(address)/api/v0/web/components").1 as? [[String: Any]]) ?? []
        #expect(list.allSatisfy { $0["liveDebuggingEnabled"] as? Bool == true }, "\(list)")
        #expect(httpGet("http://\(address)/api/v0/web/debug/loki.process.p?sampleProb=1.5")?.0 == 400)
        #expect(httpGet("http://\(address)/api/v0/web/debug/loki.process.nope")?.0 == 404)

        let stalled = try RawHTTP(address, "/api/v0/web/debug/loki.process.p")   // never read
        let reader = try RawHTTP(address, "/api/v0/web/debug/loki.process.p")
        let graph = try RawHTTP(address, "/api/v0/web/graph?window=1")
        Thread.sleep(forTimeInterval: 0.3)
        let lines = (0..<200_000).map { "line-\($0) level=info msg=\"live debugging under load\"" }
        let h = try FileHandle(forWritingTo: log)
        for chunk in stride(from: 0, to: lines.count, by: 20_000) {
            h.write(Data(lines[chunk..<min(chunk + 20_000, lines.count)].map { $0 + "\n" }.joined().utf8))
        }
        try h.close()
        let seen = reader.read(atLeast: 8 << 20, timeout: 20) { $0.contains("[OUT]: ") && $0.contains("[IN]: ") }
        let chunks = seen.components(separatedBy: "|;|")
        #expect(chunks.count > 10)
        #expect(chunks.contains { $0.hasPrefix("[IN]: timestamp: ") && $0.contains(", entry: line-") && $0.contains("labels: {filename=") })
        #expect(chunks.contains { $0.hasPrefix("[OUT]: timestamp: ") && $0.contains("team=\"data\"") && $0.hasSuffix("structured_metadata: {}") })
        let delivered = agent.waitFor(timeout: 120) { _ in loki.stats.accepted >= lines.count }
        #expect(delivered, "stored \(loki.stats.accepted) of \(lines.count) with a stalled live-debugging reader")
        #expect(Set(loki.entries.map(\.line)) == Set(lines))
        let rates = graph.read(atLeast: 1, timeout: 10)
        #expect(rates.contains(#""componentID":"loki.process.p""#) && rates.contains(#""type":"loki_log""#), "\(rates)")
        let metrics = httpGet("http://\(address)/metrics")?.1 ?? ""
        let dropped = metrics.split(separator: "\n").first { $0.hasPrefix("tributary_live_debugging_dropped_total{") && $0.contains("loki.process.p") }
        #expect(dropped.map { Double($0.split(separator: " ").last ?? "") ?? 0 } ?? 0 > 0, "the stalled reader's chunks are dropped and counted: \(dropped ?? "no metric")")
        stalled.close()
        reader.close()
        graph.close()
    }
}

/// A raw HTTP/1.1 GET on loopback whose answer is read only when asked (or never).
final class RawHTTP {
    let fd: Int32

    init(_ address: String, _ path: String) throws {
        let parts = address.split(separator: ":")
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(parts.last ?? "0") ?? 0).bigEndian
        inet_pton(AF_INET, String(parts.first ?? "127.0.0.1"), &addr.sin_addr)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { throw POSIXError(.ECONNREFUSED) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(address)\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Reads until `atLeast` bytes arrived, `enough` holds for what arrived, or `timeout` seconds passed.
    func read(atLeast: Int, timeout: Double, until enough: (String) -> Bool = { _ in false }) -> String {
        var got: [UInt8] = []
        let end = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while got.count < atLeast + 200 && Date() < end && !enough(String(decoding: got.suffix(1 << 20), as: UTF8.self)) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 200) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            got += buffer[0..<n]
        }
        return String(decoding: got, as: UTF8.self)
    }

    func close() { Glibc.close(fd) }
}
