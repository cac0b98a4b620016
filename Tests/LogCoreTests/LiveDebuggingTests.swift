import Testing
@testable import LogCore

/// Live debugging's taps and readers: nothing is formatted without a reader, a lagging reader loses (and counts)
/// chunks instead of growing, sampling keeps a share, entries read only to rebuild a held one are not shown.
@Suite struct LiveDebuggingTests {
    func entries(_ n: Int) -> [LogEntry] {
        (0..<n).map { LogEntry(timestamp: 1_795_600_800_000_000_000 + Int64($0), line: Array("line \($0)".utf8), labels: LabelSet(["job": "a"]),
                               structuredMetadata: [Label("trace_id", "t\($0)")]) }
    }

    @Test func readersSeeWhatPassesInAlloysForm() async {
        let hub = LiveDebugHub()
        hub.setEnabled(true)
        let tap = hub.tap(for: "loki.process.p")
        #expect(hub.tap(for: "loki.process.p") === tap, "one tap per component")
        tap.publish(entries(2), .emitted)   // no reader yet: counted, not shown
        #expect(tap.emittedCount == 2)
        let reader = LiveReader()
        tap.attach(reader)
        var batch = entries(2)
        batch[1].replayed = true
        tap.publish(batch, .received)
        let chunks = await reader.take(timeout: .seconds(1)).map { String(decoding: $0, as: UTF8.self) }
        #expect(chunks == [#"[IN]: timestamp: 2026-11-25T10:00:00.000000000Z, entry: line 0, labels: {job="a"}, structured_metadata: {"trace_id":"t0"}"#])
        tap.detach(reader)
        tap.publish(entries(1), .emitted)
        #expect(await reader.take(timeout: .milliseconds(50)).isEmpty, "a detached reader sees nothing")
        #expect(tap.emittedCount == 3)
    }

    @Test func aLaggingReaderDropsAndCounts() async {
        let hub = LiveDebugHub()
        hub.setEnabled(true)
        let tap = hub.tap(for: "c")
        let reader = LiveReader(capacity: 10)
        tap.attach(reader)
        tap.publish(entries(25), .emitted)
        #expect(reader.dropped == 15)
        #expect(await reader.take(timeout: .seconds(1)).count == 10)
        tap.publish(entries(3), .emitted)
        #expect(await reader.take(timeout: .seconds(1)).count == 3, "room again once taken")
    }

    @Test func samplingKeepsAShare() async {
        let hub = LiveDebugHub()
        let tap = hub.tap(for: "c")
        let none = LiveReader(sampleProbability: 0), some = LiveReader(capacity: 10_000, sampleProbability: 0.1)
        tap.attach(none)
        tap.attach(some)
        tap.publish(entries(5_000), .emitted)
        #expect(await none.take(timeout: .milliseconds(50)).isEmpty)
        let kept = await some.take(timeout: .seconds(1)).count
        #expect(kept > 300 && kept < 700, "about a tenth: \(kept)")
        #expect(tap.emittedCount == 0, "not counted while live debugging is disabled")
    }

    @Test func takeWaitsForTheFirstChunkOrTheTimeout() async {
        let reader = LiveReader()
        let tap = LiveDebugHub().tap(for: "c")
        tap.attach(reader)
        let start = ContinuousClock.now
        #expect(await reader.take(timeout: .milliseconds(100)).isEmpty)
        #expect(ContinuousClock.now - start >= .milliseconds(100))
        let late = Task {
            try? await Task.sleep(for: .milliseconds(50))
            tap.publish(self.entries(1), .emitted)
        }
        #expect(await reader.take(timeout: .seconds(5)).count == 1)
        await late.value
    }
}
