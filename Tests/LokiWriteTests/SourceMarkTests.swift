import FakeLoki
import Platform
import Foundation
import LogCore
import Logging
import Testing
@testable import LokiWrite

/// Exactly once from a source into the log, at most one batch again from the log to Loki.
@Suite(.serialized) struct SourceMarkTests {
    func dir() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("tributary-marks-\(UUID().uuidString)").path }

    func config(_ url: String, _ tweak: (inout WriterConfig) -> Void = { _ in }) -> WriterConfig {
        var e = EndpointConfig(url: url, name: "test")
        e.batchWait = .milliseconds(20)
        e.minBackoff = .milliseconds(20)
        var c = WriterConfig(endpoints: [e])
        c.fsyncInterval = .milliseconds(20)
        c.drainTimeout = .seconds(2)
        tweak(&c)
        return c
    }

    func batch(_ key: String, _ prefix: String, _ range: Range<Int>, through: Int64, replayed: Set<Int> = []) -> EntryBatch {
        let entries = range.map { i in
            var e = LogEntry(timestamp: 1_795_600_800_000_000_000 + Int64(i), line: Array("\(prefix)-\(i)-\(String(repeating: "z", count: 200))".utf8),
                             labels: LabelSet(["job": prefix]))
            e.replayed = replayed.contains(i)
            return e
        }
        let progress = SourceProgress(key: key) { SourceMark(key: key, device: 1, inode: 2, resume: through, through: through, made: WallClock.nowSeconds) }
        return EntryBatch(entries, progress: progress)
    }

    @Test func marksAreCommittedWithTheEntriesAndRecoveredAfterOldSegmentsAreGone() async throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let d = dir()
        do {
            let w = try LokiWriter(componentID: "loki.write.t", directory: d, config: config(loki.pushURL) { $0.walSegmentSize = 32 << 10 },
                                   logger: Logger(label: "t"))
            let run = Task { await w.run() }
            // "quiet" commits once, early; "busy" keeps going long after the segment holding quiet's record is deleted.
            await w.receive(batch("quiet", "q", 0..<10, through: 777))
            for i in 0..<40 { await w.receive(batch("busy", "b", i * 10..<(i + 1) * 10, through: Int64(i + 1) * 1000)) }
            // Re-read lines, delivered before a restart: their position is committed, the entries are not appended.
            await w.receive(batch("busy", "b", 400..<405, through: 41_000, replayed: [400, 401, 402, 403, 404]))
            #expect(await waitUntil { loki.entries.count == 410 })
            try await Task.sleep(for: .milliseconds(200))
            #expect(!FileManager.default.fileExists(atPath: d + "/00000001.seg"), "the first segment was delivered and deleted")
            run.cancel()
            await run.value
        }
        #expect(loki.entries.count == 410, "replayed entries are not sent again")
        let ledger = SourceLedger()
        _ = try LokiWriter(componentID: "loki.write.t", directory: d, config: config(loki.pushURL), logger: Logger(label: "t"), ledger: ledger)
        #expect(ledger.marks(for: "busy").map(\.through) == [41_000], "the latest mark, also when its batch had only re-read lines")
        #expect(ledger.marks(for: "quiet").map(\.through) == [777], "kept by the mark record that starts each new segment")
        #expect(ledger.marks(for: "other").isEmpty)
    }

    @Test func onlyTheBatchInFlightAtACrashIsSentAgain() async throws {
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let d = dir()
        let wal = try WriteAheadLog(directory: d)
        let first = try wal.append(EntryCodec.encode(batch("k", "one", 0..<5, through: 1).entries).payload)
        let second = try wal.append(EntryCodec.encode(batch("k", "two", 0..<7, through: 2).entries).payload)
        try wal.append(EntryCodec.encode(batch("k", "three", 0..<3, through: 3).entries).payload)
        // Killed while sending the second record: the first was delivered.
        let afterFirst = WALPosition(segment: first.segment, offset: second.offset)
        let afterSecond = try wal.read(from: second, maxBytes: 1)[0].next
        try wal.saveCursor("test", afterFirst, inFlightEnd: afterSecond)
        #expect(wal.cursorRecord("test").inFlightEnd == afterSecond)
        let w = try LokiWriter(componentID: "loki.write.t", directory: d, config: config(loki.pushURL), logger: Logger(label: "t"))
        #expect(w.resentAtStart == 7, "counted as replayed: the 7 entries of the batch in flight")
        let run = Task { await w.run() }
        #expect(await waitUntil { loki.entries.count == 10 })
        try await Task.sleep(for: .milliseconds(200))
        run.cancel()
        await run.value
        let lines = loki.entries.map { String($0.line.prefix(while: { $0 != "z" }).dropLast()) }
        #expect(lines == (0..<7).map { "two-\($0)" } + (0..<3).map { "three-\($0)" }, "the batch in flight first, in order; nothing older")
        #expect(w.wal.cursorRecord("test").inFlightEnd == nil, "once delivered, nothing is in flight")
    }
}
