import AsyncHTTPClient
import HTTPClientSupport
import FakeLoki
import Foundation
import LogCore
import Logging
import NIOCore
import Testing
@testable import LokiWrite

/// What a Loki (or a proxy in front of it) answers must not crash, stall or hide the reason.
@Suite(.serialized) struct ServerAnswerTests {
    let writer = WriterTests()

    @Test func retryAfterIsClampedToTheMaximumBackoff() {
        let limit = Duration.seconds(300)
        #expect(EndpointSender.retryAfter("9223372036854775807", limit: limit) == limit)
        #expect(EndpointSender.retryAfter(" 5 ", limit: limit) == .seconds(5))
        #expect(EndpointSender.retryAfter("300", limit: limit) == limit)
        #expect(EndpointSender.retryAfter("3", limit: .milliseconds(1500)) == .milliseconds(1500))
        for bad in [nil, "", "-1", "soon", "Wed, 21 Oct 2026 07:28:00 GMT", "99999999999999999999999"] {
            #expect(EndpointSender.retryAfter(bad, limit: limit) == nil, "\(bad ?? "nil")")
        }
    }

    @Test func aHugeRetryAfterNeitherCrashesNorStallsDelivery() async throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        // max_backoff_period is 200 ms in this config: the server's "wait 292 billion years" becomes 200 ms.
        loki.failNext(429, body: "slow down", headers: [("Retry-After", "9223372036854775807")], times: 2)
        let w = try LokiWriter(componentID: "loki.write.t", directory: writer.dir(), config: writer.config(loki.pushURL), logger: Logger(label: "t"))
        let run = Task { await w.run() }
        await w.receive(writer.batch("after-429", 20))
        #expect(await waitUntil(.seconds(10)) { loki.entries.count == 20 }, "got \(loki.entries.count)")
        #expect(loki.stats.requests == 3)
        run.cancel()
        await run.value
    }

    @Test func shutdownDoesNotWaitOutALongRetryAfter() async throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        loki.failNext(429, headers: [("Retry-After", "3600")])
        let w = try LokiWriter(componentID: "loki.write.t", directory: writer.dir(), config: writer.config(loki.pushURL) { c, e in
            e.maxBackoff = .seconds(3600)
            c.drainTimeout = .milliseconds(500)
        }, logger: Logger(label: "t"))
        let run = Task { await w.run() }
        await w.receive(writer.batch("held", 5))
        #expect(await waitUntil(.seconds(10)) { loki.stats.requests >= 1 })
        try await Task.sleep(for: .milliseconds(300))   // the sender is now in its hour-long pause
        let stopping = ContinuousClock.now
        run.cancel()
        await run.value
        #expect(ContinuousClock.now - stopping < .seconds(3), "stopped after \(ContinuousClock.now - stopping)")
        #expect(loki.entries.isEmpty, "the batch stays in the write-ahead log for the next start")
    }

    @Test func aLongErrorBodyStillGivesLokisReason() async throws {
        let reason = "entry for stream '{job=\"x\"}' has timestamp too old"
        let body = reason + "\n" + String(repeating: "x", count: 3 << 20)
        #expect(try await EndpointSender.firstLine(of: .bytes(ByteBuffer(string: body))) == reason)
        #expect(try await EndpointSender.firstLine(of: .bytes(ByteBuffer(string: "\n\nsecond line"))) == "second line")
        #expect(try await EndpointSender.firstLine(of: .bytes(ByteBuffer(string: String(repeating: "é", count: 2000)))).count == 512)
        // Through the real client: a 3 MiB answer is read to its end (the connection stays usable) and the batch
        // is dropped for Loki's reason, not retried as if the body were a network error.
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        loki.failNext(400, body: body)
        let w = try LokiWriter(componentID: "loki.write.t", directory: writer.dir(), config: writer.config(loki.pushURL), logger: Logger(label: "t"))
        let run = Task { await w.run() }
        await w.receive(writer.batch("refused", 3))
        #expect(await waitUntil(.seconds(10)) { loki.stats.requests == 1 })
        await w.receive(writer.batch("accepted", 3))
        #expect(await waitUntil(.seconds(10)) { loki.entries.count == 3 })
        #expect(loki.entries.allSatisfy { $0.line.hasPrefix("accepted") })
        #expect(loki.stats.requests == 2)
        run.cancel()
        await run.value
    }
}

@Suite struct URLCredentialsTests {
    @Test func userInformationLeavesTheURLAndBecomesBasicAuth() {
        let c = URLCredentials("https://user:p%40ss@loki.example:3100/loki/api/v1/push")
        #expect(c.url == "https://loki.example:3100/loki/api/v1/push")
        #expect(c.authorization == "Basic dXNlcjpwQHNz")   // user:p@ss
        #expect(URLCredentials("https://token@loki/push").authorization == "Basic dG9rZW46")   // token:
        for plain in ["http://loki:3100/loki/api/v1/push", "http://loki/path/with@sign", "http://loki/push?x=a@b", "not a url"] {
            #expect(URLCredentials(plain) == URLCredentials(url: plain), "\(plain)")
        }
    }
}
