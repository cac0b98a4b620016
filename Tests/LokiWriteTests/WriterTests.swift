import Platform
import FakeLoki
import LoopbackServers
import Foundation
import HTTPClientSupport
import LogCore
import Logging
import TestTLS
import Synchronization
import Testing
@testable import LokiWrite

/// loki.write against a real HTTP receiver on loopback.
@Suite(.serialized) struct WriterTests {
    func dir() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("tributary-writer-\(UUID().uuidString)").path }

    func config(_ url: String, _ tweak: (inout WriterConfig, inout EndpointConfig) -> Void = { _, _ in }) -> WriterConfig {
        var e = EndpointConfig(url: url, name: "test")
        e.batchWait = .milliseconds(50)
        e.minBackoff = .milliseconds(20)
        e.maxBackoff = .milliseconds(200)
        var c = WriterConfig(endpoints: [e])
        c.fsyncInterval = .milliseconds(50)
        c.drainTimeout = .seconds(2)
        tweak(&c, &e)
        c.endpoints = [e]
        return c
    }

    func batch(_ prefix: String, _ n: Int, labels: [String: String] = ["job": "test"]) -> EntryBatch {
        EntryBatch((0..<n).map { LogEntry(timestamp: 1_795_600_800_000_000_000 + Int64($0), line: Array("\(prefix)-\($0)".utf8), labels: LabelSet(labels)) })
    }

    @Test func deliversGzipJSONWithTenantAndExternalLabels() async throws {
        let loki = FakeLoki(requireTenant: true)
        try loki.start()
        defer { loki.shutdown() }
        let w = try LokiWriter(componentID: "loki.write.t", directory: dir(), config: config(loki.pushURL) { c, e in
            e.tenantID = "homelab"
            c.externalLabels = ["cluster": "c1", "job": "ignored"]
        }, logger: Logger(label: "t"))
        let run = Task { await w.run() }
        await w.receive(batch("a", 100))
        await w.receive(batch("b", 5, labels: ["job": "other", "__tenant_id__": "team-b"]))
        #expect(await waitUntil { loki.entries.count == 105 })
        let e = loki.entries
        #expect(e.filter { $0.tenant == "homelab" }.count == 100)
        #expect(e.filter { $0.tenant == "team-b" }.count == 5)
        #expect(e.first?.stream == #"{cluster="c1", job="test"}"#, "external labels merged, entry labels win")
        #expect(loki.stats.lastHeaders["content-encoding"] == "gzip")
        run.cancel()
        await run.value
    }

    @Test func pushesOverTLSCheckingTheServerCertificate() async throws {
        let certs = try TestCertificates()
        let loki = FakeLoki(certificatePEM: certs.certificatePEM, keyPEM: certs.keyPEM)
        try loki.start()
        defer { loki.shutdown() }
        #expect(loki.pushURL.hasPrefix("https://"))
        // Trusting the test CA: delivered.
        let trusted = try LokiWriter(componentID: "loki.write.tls", directory: dir(), config: config(loki.pushURL) { _, e in
            var tls = TLSSettings()
            tls.caFile = certs.caFile
            e.client.tls = tls
        }, logger: Logger(label: "t"))
        let run = Task { await trusted.run() }
        await trusted.receive(batch("tls", 10))
        #expect(await waitUntil { loki.entries.count == 10 })
        run.cancel()
        await run.value
        // Not trusting it: the handshake fails, nothing is delivered, and the entries stay in the log (retried).
        let untrusted = try LokiWriter(componentID: "loki.write.tls2", directory: dir(), config: config(loki.pushURL), logger: Logger(label: "t"))
        let run2 = Task { await untrusted.run() }
        await untrusted.receive(batch("untrusted", 5))
        try await Task.sleep(for: .milliseconds(800))
        #expect(loki.entries.count == 10, "an unverified server gets nothing")
        #expect(untrusted.wal.size > 0)
        run2.cancel()
        await run2.value
    }

    @Test func survivesAnOutageAndA400() async throws {
        let loki = FakeLoki()
        try loki.start()
        let port = loki.port
        defer { loki.shutdown() }
        let w = try LokiWriter(componentID: "loki.write.t", directory: dir(), config: config(loki.pushURL), logger: Logger(label: "t"))
        let run = Task { await w.run() }
        loki.failNext(400, body: "entry too far behind")
        await w.receive(batch("refused", 3))
        #expect(await waitUntil { loki.stats.requests >= 1 })
        loki.stop()
        for i in 0..<20 { await w.receive(batch("during-outage-\(i)", 50)) }
        try await Task.sleep(for: .milliseconds(500))
        try loki.start(port: port)
        loki.failNext(429, times: 2)
        loki.failNext(503)
        #expect(await waitUntil { loki.entries.count == 1000 }, "got \(loki.entries.count)")
        #expect(!loki.entries.contains { $0.line.hasPrefix("refused") }, "a 400 batch is dropped, not retried")
        #expect(loki.stats.duplicates == 0)
        run.cancel()
        await run.value
    }

    @Test func undeliveredEntriesAreReplayedAfterARestart() async throws {
        let loki = FakeLoki()
        try loki.start()
        let port = loki.port
        loki.stop()
        defer { loki.shutdown() }
        let d = dir()
        do {
            let w = try LokiWriter(componentID: "loki.write.t", directory: d, config: config("http://127.0.0.1:\(port)/loki/api/v1/push") { c, _ in
                c.drainTimeout = .milliseconds(300)
            }, logger: Logger(label: "t"))
            let run = Task { await w.run() }
            await w.receive(batch("kept", 500))
            run.cancel()
            await run.value
        }
        try loki.start(port: port)
        let w2 = try LokiWriter(componentID: "loki.write.t", directory: d, config: config(loki.pushURL), logger: Logger(label: "t"))
        let run2 = Task { await w2.run() }
        #expect(await waitUntil { loki.entries.count == 500 })
        #expect(Set(loki.entries.map(\.line)) == Set((0..<500).map { "kept-\($0)" }))
        run2.cancel()
        await run2.value
    }

    @Test func fullLogHoldsSourcesBackThenRecovers() async throws {
        let loki = FakeLoki()
        try loki.start()
        let port = loki.port
        loki.stop()
        defer { loki.shutdown() }
        let w = try LokiWriter(componentID: "loki.write.t", directory: dir(), config: config("http://127.0.0.1:\(port)/loki/api/v1/push") { c, _ in
            c.walMaxSize = 1 << 20
            c.walSegmentSize = 64 << 10
        }, logger: Logger(label: "t"))
        let run = Task { await w.run() }
        let big = String(repeating: "x", count: 1000)
        let sender = Task {
            for i in 0..<30 {
                await w.receive(EntryBatch((0..<50).map { LogEntry(timestamp: Int64(i * 50 + $0), line: Array("\(i)-\($0)-\(big)".utf8), labels: LabelSet(["job": "bp"])) }))
            }
        }
        try await Task.sleep(for: .seconds(1))
        #expect(w.wal.size <= 1 << 20, "the log never grows past its cap")
        let storedBefore = loki.entries.count
        #expect(storedBefore == 0)
        try loki.start(port: port)
        await sender.value
        #expect(await waitUntil(.seconds(30)) { loki.entries.count == 1500 }, "got \(loki.entries.count)")
        run.cancel()
        await run.value
    }

    /// A source stopped while the log is full neither returns (that would acknowledge entries not in the log) nor
    /// spins: it keeps waiting, a few times a second, until room comes or the process ends.
    @Test func aStoppedSourceWaitingForRoomNeitherReturnsNorSpins() async throws {
        let w = try LokiWriter(componentID: "loki.write.t", directory: dir(), config: config("http://127.0.0.1:9/loki/api/v1/push") { c, _ in
            c.walMaxSize = 1 << 20
            c.walSegmentSize = 64 << 10
        }, logger: Logger(label: "t"))
        let big = String(repeating: "z", count: 1000)
        let returned = Mutex(0)
        let source = Task {
            for i in 0..<40 {
                await w.receive(EntryBatch((0..<50).map { LogEntry(timestamp: Int64($0), line: Array("\(i)-\(big)".utf8), labels: LabelSet(["job": "s"])) }))
                returned.withLock { $0 += 1 }
            }
        }
        #expect(await waitUntil(.seconds(10)) { w.appendAttempts.withLock { $0 } > 0 }, "the log filled up")
        let acknowledged = returned.withLock { $0 }
        source.cancel()
        try await Task.sleep(for: .seconds(1))
        #expect(returned.withLock { $0 } == acknowledged, "nothing more is acknowledged")
        #expect(w.appendAttempts.withLock { $0 } < 30, "about five attempts a second, not a spin")
    }

    @Test func dropOldestCountsExactly() async throws {
        let d = dir()
        let w = try LokiWriter(componentID: "loki.write.t", directory: d, config: config("http://127.0.0.1:9/loki/api/v1/push") { c, _ in
            c.walMaxSize = 1 << 20
            c.walSegmentSize = 64 << 10
            c.onFull = .dropOldest
        }, logger: Logger(label: "t"))
        let big = String(repeating: "y", count: 1000)
        for i in 0..<40 {
            await w.receive(EntryBatch((0..<50).map { LogEntry(timestamp: Int64($0), line: Array("\(i)-\(big)".utf8), labels: LabelSet(["job": "d"])) }))
        }
        var records = RecordEntries()
        for r in try w.wal.read(from: w.wal.start, maxBytes: Int.max) { try records.add(r.payload) }
        let kept = records.entries.count
        #expect(kept < 2000)
        #expect(kept % 50 == 0, "whole batches are dropped, never parts")
        #expect(w.wal.size <= 1 << 20)
    }

    @Test func bearerTokenFileIsReReadEachRequest() async throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let tokenFile = dir() + ".token"
        try FileIO.writeAtomically(tokenFile, Array("first\n".utf8), durable: false)
        let w = try LokiWriter(componentID: "loki.write.t", directory: dir(), config: config(loki.pushURL) { _, e in
            e.client.auth = .bearerFile(tokenFile)
        }, logger: Logger(label: "t"))
        let run = Task { await w.run() }
        await w.receive(batch("one", 1))
        #expect(await waitUntil { loki.entries.count == 1 })
        #expect(loki.stats.lastHeaders["authorization"] == "Bearer first")
        try FileIO.writeAtomically(tokenFile, Array("second".utf8), durable: false)
        await w.receive(batch("two", 1))
        #expect(await waitUntil { loki.entries.count == 2 })
        #expect(loki.stats.lastHeaders["authorization"] == "Bearer second")
        run.cancel()
        await run.value
    }

    @Test func oauth2TokenAndPushGoThroughTheirProxies() async throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        var behaviour = OAuth2TokenServer.Behaviour()
        behaviour.lifetime = 11   // renewed after a second
        let tokens = try OAuth2TokenServer(behaviour)
        defer { tokens.stop() }
        let pushProxy = try ConnectProxy(), tokenProxy = try ConnectProxy()
        defer { pushProxy.stop(); tokenProxy.stop() }
        let w = try LokiWriter(componentID: "loki.write.t", directory: dir(), config: config(loki.pushURL) { _, e in
            var o = OAuth2Settings()
            o.clientID = "tributary"
            o.clientSecret = "s3cret"
            o.tokenURL = tokens.url
            o.proxy.url = tokenProxy.url
            e.client.auth = .oauth2(o)
            e.client.proxy.url = pushProxy.url
            e.client.proxy.connectHeaders = [("X-Site", "homelab")]
        }, logger: Logger(label: "t"))
        let run = Task { await w.run() }
        await w.receive(batch("one", 1))
        #expect(await waitUntil { loki.entries.count == 1 })
        #expect(loki.stats.lastHeaders["authorization"] == "Bearer token-1")
        await w.receive(batch("two", 1))
        #expect(await waitUntil { loki.entries.count == 2 })
        #expect(tokens.issued == 1, "the token is reused while it is valid")
        try await Task.sleep(for: .milliseconds(1200))
        await w.receive(batch("three", 1))
        #expect(await waitUntil { loki.entries.count == 3 })
        #expect(loki.stats.lastHeaders["authorization"] == "Bearer token-2")
        #expect(pushProxy.opened.first.map { loki.pushURL.contains("//" + $0.target + "/") } == true)
        #expect(pushProxy.opened.first?.header("X-Site") == "homelab")
        #expect(tokenProxy.opened.count >= 1 && pushProxy.opened.allSatisfy { $0.target != tokenProxy.opened[0].target })
        run.cancel()
        await run.value
    }

    @Test func aTokenServerThatRefusesIsRetriedAndReported() async throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        var behaviour = OAuth2TokenServer.Behaviour()
        behaviour.failure = (401, #"{"error":"invalid_client"}"#)
        let tokens = try OAuth2TokenServer(behaviour)
        defer { tokens.stop() }
        let w = try LokiWriter(componentID: "loki.write.t", directory: dir(), config: config(loki.pushURL) { _, e in
            var o = OAuth2Settings()
            o.clientID = "tributary"
            o.clientSecret = "s3cret"
            o.tokenURL = tokens.url
            e.client.auth = .oauth2(o)
            e.minBackoff = .milliseconds(50)
            e.maxBackoff = .milliseconds(100)
        }, logger: Logger(label: "t"))
        let run = Task { await w.run() }
        await w.receive(batch("kept", 1))
        #expect(await waitUntil { tokens.requests.count >= 4 })
        #expect(loki.entries.isEmpty)
        let state = w.state.endpoints.first?.lastError ?? ""
        #expect(state.contains("oauth2: cannot fetch token: 401 Unauthorized") && state.contains("invalid_client"), "\(state)")
        tokens.update { $0.failure = nil }
        #expect(await waitUntil { loki.entries.count == 1 }, "delivered once the token server answers")
        run.cancel()
        await run.value
    }
}
