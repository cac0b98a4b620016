import Foundation
import LogCore
import Testing
@testable import FileSource

/// After a crash a file resumes from the mark a durable receiver committed with its last batch, not from a
/// positions file written up to a sync interval earlier; lines re-read to rebuild a held entry are marked.
@Suite struct ResumeTests {
    func identity(_ path: String) -> (UInt64, UInt64) {
        var st = stat()
        stat(path, &st)
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// Reads `a-0…19` from `m.log` and stops; returns the harness and the last batch's mark.
    func readTwentyLines() async throws -> (TailHarness, SourceMark) {
        let h = try TailHarness()
        h.append("m.log", TailHarness.text(TailHarness.numbered("a", 0..<20)))
        h.tail(["m.log"])
        #expect(await h.collector.wait { $0.count == 20 })
        await h.stop()
        return (h, try #require(h.collector.marks.withLock { $0.last }))
    }

    @Test func batchesCarryTheMarkADurableReceiverCommits() async throws {
        let (h, mark) = try await readTwentyLines()
        let size = Int64(try FileManager.default.attributesOfItem(atPath: h.path("m.log"))[.size] as! Int)
        let (dev, ino) = identity(h.path("m.log"))
        #expect(mark.through == size && mark.resume == size, "nothing held: resume where delivery ends")
        #expect(mark.device == dev && mark.inode == ino)
        #expect(mark.key == "loki.source.file.test\u{1F}\(h.path("m.log"))\u{1F}{job=\"test\"}")
    }

    @Test func resumesFromTheCommittedMarkWhenThePositionsFileIsBehind() async throws {
        let (h, mark) = try await readTwentyLines()
        // A crash before the positions file caught up: it still says the file was not read.
        try FileManager.default.removeItem(atPath: h.positionsPath)
        let ledger = SourceLedger()
        ledger.publish(receiver: "loki.write.a", [mark.key: mark])
        h.ledger = ledger
        h.append("m.log", TailHarness.text(TailHarness.numbered("b", 0..<5)))
        try h.start()
        h.tail(["m.log"])
        #expect(await h.collector.wait { $0.count == 25 })
        try await Task.sleep(for: .milliseconds(200))
        await h.stop()
        #expect(h.collector.all == TailHarness.numbered("a", 0..<20) + TailHarness.numbered("b", 0..<5),
                "nothing read twice")
    }

    @Test func aHeldEntryIsReReadAndTheDeliveredLinesAfterItAreMarked() async throws {
        let h = try TailHarness()
        let lines = TailHarness.numbered("x", 0..<5)
        h.append("h.log", TailHarness.text(lines))
        let (dev, ino) = identity(h.path("h.log"))
        // At the crash a stage held an entry starting at x-2; everything through x-4 had been delivered.
        let start = Int64(TailHarness.text(Array(lines.prefix(2))).utf8.count)
        let end = Int64(TailHarness.text(lines).utf8.count)
        let key = "loki.source.file.test\u{1F}\(h.path("h.log"))\u{1F}{job=\"test\"}"
        let ledger = SourceLedger()
        ledger.publish(receiver: "loki.write.a", [key: SourceMark(key: key, device: dev, inode: ino, resume: start, through: end, made: 0)])
        await h.stop()
        h.ledger = ledger
        try h.start()
        h.tail(["h.log"])
        h.append("h.log", "y-0\n")
        #expect(await h.collector.wait { $0.contains("y-0") })
        try await Task.sleep(for: .milliseconds(200))
        await h.stop()
        #expect(h.collector.all == ["x-2", "x-3", "x-4", "y-0"])
        #expect(h.collector.replayed.withLock { $0 } == ["x-2", "x-3", "x-4"], "re-read only to rebuild the held entry")
        let saved = try #require(PositionsStore(path: h.positionsPath).snapshot.values.first)
        #expect(saved.offset == end + 4 && saved.through == end + 4)
    }

    @Test func aMarkForAnotherFileFinishesTheRotatedOneFirst() async throws {
        let h = try TailHarness()
        h.append("r.log", TailHarness.text(TailHarness.numbered("old", 0..<6)))
        let (dev, ino) = identity(h.path("r.log"))
        let delivered = Int64(TailHarness.text(TailHarness.numbered("old", 0..<4)).utf8.count)
        let key = "loki.source.file.test\u{1F}\(h.path("r.log"))\u{1F}{job=\"test\"}"
        let ledger = SourceLedger()
        ledger.publish(receiver: "loki.write.a", [key: SourceMark(key: key, device: dev, inode: ino, resume: delivered, through: delivered, made: 0)])
        // Rotated while the agent was down.
        try FileManager.default.moveItem(atPath: h.path("r.log"), toPath: h.path("r.log.1"))
        h.append("r.log", "new-0\n")
        await h.stop()
        h.ledger = ledger
        try h.start()
        h.tail(["r.log"])
        #expect(await h.collector.wait { $0.contains("new-0") })
        try await Task.sleep(for: .milliseconds(200))
        await h.stop()
        #expect(h.collector.all == ["old-4", "old-5", "new-0"])
    }
}
