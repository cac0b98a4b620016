import Platform
import Foundation
import LogCore
import NIOCore
import Testing
@testable import LokiWrite

@Suite struct PushEncoderTests {
    @Test func encodesLokiPushJSON() throws {
        let labels = LabelSet(["app": "web", "__tenant_id__": "t1", "ns": "a\"b"])
        let entries = [
            LogEntry(timestamp: 1_795_600_800_000_000_001, line: Array("plain".utf8), labels: labels),
            LogEntry(timestamp: 2, line: [0x71, 0x22, 0x5C, 0x0A, 0x09, 0x01, 0xFF, 0xC3, 0xA9], labels: labels,
                     structuredMetadata: [Label("trace_id", "abc")]),
        ]
        var records = RecordEntries()
        try records.add(EntryCodec.encode(entries).payload)
        let body = PushEncoder().write([PushEncoder.RefStream(labels: labels, entries: records.entries)], from: records).array
        let text = String(decoding: body, as: UTF8.self)
        #expect(text == #"{"streams":[{"stream":{"app":"web","ns":"a\"b"},"values":[["1795600800000000001","plain"],["2","q\"\\\n\t\u0001�é",{"trace_id":"abc"}]]}]}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        #expect(parsed?["streams"] != nil, "valid JSON")
    }

    @Test func gzipRoundTrip() throws {
        let input = Array(String(repeating: "log line with some repetition\n", count: 10_000).utf8)
        let z = Array(buffer: input.withUnsafeBytes { GzipCompressor(level: 6).compress($0) })
        #expect(z.count < input.count / 20)
        #expect(z.prefix(2) == [0x1F, 0x8B])
        #expect(try Gunzip.decompress(z) == input)
        #expect(throws: Gunzip.Failure.self) { try Gunzip.decompress(Array(z.dropLast(5)) + [0, 0, 0, 0, 0]) }
    }

    @Test func igzipLevelOneRoundTrips() throws {
        let fast = GzipCompressor(level: 1)
        var random = SystemRandomNumberGenerator()
        let noise = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let text = Array(String(repeating: "2026-11-25T10:00:00.1Z stdout F GET /health 200 1.2ms\n", count: 20_000).utf8)
        for input in [[], [65], text, noise, text + noise + text] {
            let z = Array(buffer: input.withUnsafeBytes { fast.compress($0) })
            #expect(z.prefix(2) == [0x1F, 0x8B], "a gzip member")
            #expect(try Gunzip.decompress(z) == input)
        }
        #expect(text.withUnsafeBytes { fast.compress($0) }.readableBytes < text.count / 10)
        #expect(noise.withUnsafeBytes { fast.compress($0) }.readableBytes <= noise.count + noise.count / 100 + 64, "incompressible input stays stored")
    }
}

@Suite struct WALTests {
    func tempDir() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("tributary-wal-\(UUID().uuidString)").path
        return d
    }

    /// The entries of a record, read the way the sender reads them.
    func decoded(_ payload: [UInt8]) throws -> [LogEntry] {
        var record = RecordEntries()
        try record.add(payload)
        return record.entries.map { e in
            LogEntry(timestamp: e.timestamp, line: record.withLine(e) { Array($0) }, labels: record.labelSets[Int(e.labels)],
                     structuredMetadata: record.metadata[Int(e.metadata)])
        }
    }

    func entries(_ n: Int, _ prefix: String) -> [LogEntry] {
        (0..<n).map { LogEntry(timestamp: Int64($0), line: Array("\(prefix)-\($0)".utf8), labels: LabelSet(["job": "x", "__tenant_id__": "t"]),
                               structuredMetadata: $0 % 2 == 0 ? [Label("k", "v")] : []) }
    }

    @Test func entryCodecRoundTrip() throws {
        let e = entries(5, "a")
        let back = try decoded(EntryCodec.encode(e).payload)
        #expect(back.map(\.line) == e.map(\.line))
        #expect(back.map(\.timestamp) == e.map(\.timestamp))
        #expect(back.map(\.labels) == e.map(\.labels))
        #expect(back.map(\.structuredMetadata) == e.map(\.structuredMetadata))
        #expect(throws: EntryCodec.Corrupt.self) { try decoded(Array(EntryCodec.encode(e).payload.dropLast())) }
        // Runs of shared label sets are written once; sets that alternate are written in full.
        let a = LabelSet(["job": "a"]), b = LabelSet(["job": "b", "pod": "p"])
        let mixed = [a, a, b, a, b, b, LabelSet()].enumerated().map { LogEntry(timestamp: Int64($0.offset), line: [65], labels: $0.element) }
        let mixedBack = try decoded(EntryCodec.encode(mixed).payload)
        #expect(mixedBack.map(\.labels) == mixed.map(\.labels))
        #expect(EntryCodec.encode(mixed).payload.count < EntryCodec.encode(mixed.map { var x = $0; x.labels = LabelSet(["job": "a\(x.timestamp)"]); return x }).payload.count)
    }

    @Test func undeliveredEntriesAreCountedNotRecords() throws {
        let wal = try WriteAheadLog(directory: tempDir(), maxSize: 64 << 20, segmentSize: 1 << 20)
        var positions: [WALPosition] = []
        for i in 0..<300 { positions.append(try wal.append(EntryCodec.encode(entries(100, "big-\(i)-" + String(repeating: "x", count: 300))).payload)) }
        #expect(wal.size > 8 << 20, "more than two 4 MiB reads")
        #expect(LokiWriter.scan(wal, undeliveredFrom: wal.start).undelivered == 30_000)
        #expect(LokiWriter.scan(wal, undeliveredFrom: positions[290]).undelivered == 1_000)
    }

    @Test func appendReadReopenAndCursors() throws {
        let dir = tempDir()
        do {
            let wal = try WriteAheadLog(directory: dir, maxSize: 1 << 20, segmentSize: 4096)
            for i in 0..<50 { try wal.append(EntryCodec.encode(entries(3, "b\(i)")).payload) }
            #expect(wal.segmentCount > 1, "records roll over into new segments")
            let all = try wal.read(from: wal.start, maxBytes: Int.max)
            #expect(all.count == 50)
            #expect(try decoded(all[49].payload).last.map { String(decoding: $0.line, as: UTF8.self) } == "b49-2")
            try wal.saveCursor("ep", all[45].next)
        }
        let wal = try WriteAheadLog(directory: dir, maxSize: 1 << 20, segmentSize: 4096)
        #expect(wal.recovery.records == 50 && wal.recovery.corruptRecords == 0)
        let cursor = wal.cursor("ep")
        let rest = try wal.read(from: cursor, maxBytes: Int.max)
        #expect(rest.count == 4)
        let before = wal.segmentCount
        wal.release(before: cursor)
        #expect(wal.segmentCount < before, "delivered segments are deleted")
        #expect(try wal.read(from: wal.cursor("ep"), maxBytes: Int.max).count == 4)
        try wal.append(EntryCodec.encode(entries(1, "after-reopen")).payload)
        #expect(try wal.read(from: cursor, maxBytes: Int.max).count == 5)
    }

    @Test func tornLastRecordIsTruncatedAndCorruptionReported() throws {
        let dir = tempDir()
        do {
            let wal = try WriteAheadLog(directory: dir, maxSize: 1 << 20, segmentSize: 1 << 20)
            for i in 0..<10 { try wal.append(EntryCodec.encode(entries(2, "c\(i)")).payload) }
        }
        let seg = WriteAheadLog.segmentPath(dir, 1)
        var bytes = try FileIO.read(seg)
        let full = bytes.count
        bytes.removeLast(7)                 // a crash in the middle of the last write
        try FileIO.writeAtomically(seg, bytes, durable: false)
        let wal = try WriteAheadLog(directory: dir)
        #expect(wal.recovery.records == 9)
        #expect(wal.recovery.corruptRecords == 1)
        #expect(wal.recovery.truncatedBytes == Int64(full - 7 - (full / 10) * 9))
        #expect(try wal.read(from: wal.start, maxBytes: Int.max).count == 9)
        try wal.append(EntryCodec.encode(entries(1, "next")).payload)
        #expect(try wal.read(from: wal.start, maxBytes: Int.max).count == 10, "appending continues after the cut")
    }

    @Test func flippedByteInTheMiddleIsDetected() throws {
        let dir = tempDir()
        do {
            let wal = try WriteAheadLog(directory: dir, maxSize: 1 << 20, segmentSize: 1 << 20)
            for i in 0..<10 { try wal.append(EntryCodec.encode(entries(2, "d\(i)")).payload) }
        }
        let seg = WriteAheadLog.segmentPath(dir, 1)
        var bytes = try FileIO.read(seg)
        bytes[bytes.count / 2] ^= 0xFF
        try FileIO.writeAtomically(seg, bytes, durable: false)
        let wal = try WriteAheadLog(directory: dir)
        #expect(wal.recovery.corruptRecords == 1)
        #expect(wal.recovery.records == 9, "only the damaged record is lost: reading resumes at the next one")
        let read = try wal.read(from: wal.start, maxBytes: Int.max)
        #expect(read.count == 9)
        #expect(Set(try read.flatMap { try decoded($0.payload) }.map { String(decoding: $0.line, as: UTF8.self) }.map { $0.prefix(2) }).count == 9)
    }

    /// One flipped bit in the first record of a big segment costs that record, not the segment.
    @Test func aBadFirstRecordDoesNotLoseTheSegment() throws {
        let dir = tempDir()
        do {
            let wal = try WriteAheadLog(directory: dir, maxSize: 64 << 20, segmentSize: 64 << 20)
            for i in 0..<2_000 { try wal.append(EntryCodec.encode(entries(2, "e\(i)")).payload) }
        }
        let seg = WriteAheadLog.segmentPath(dir, 1)
        var bytes = try FileIO.read(seg)
        bytes[12] ^= 0x01
        try FileIO.writeAtomically(seg, bytes, durable: false)
        let wal = try WriteAheadLog(directory: dir)
        #expect(wal.recovery.corruptRecords == 1 && wal.recovery.records == 1_999)
        var records = RecordEntries()
        for r in try wal.read(from: wal.start, maxBytes: Int.max) { try records.add(r.payload) }
        #expect(records.entries.count == 3_998)
    }

    /// Zeroed space (a zero length and a zero CRC look like an empty record) is one corrupt region, skipped.
    @Test func zeroedSpaceIsCorruptNotEmptyRecords() throws {
        let dir = tempDir()
        do {
            let wal = try WriteAheadLog(directory: dir, maxSize: 1 << 20, segmentSize: 1 << 20)
            for i in 10..<30 { try wal.append(EntryCodec.encode(entries(2, "z\(i)")).payload) }   // records of one size
        }
        let seg = WriteAheadLog.segmentPath(dir, 1)
        var bytes = try FileIO.read(seg)
        let recordSize = bytes.count / 20
        for k in (recordSize * 5)..<(recordSize * 8) { bytes[k] = 0 }
        try FileIO.writeAtomically(seg, bytes, durable: false)
        let wal = try WriteAheadLog(directory: dir)
        #expect(wal.recovery.corruptRecords == 1, "one region, not one per 8 zero bytes")
        #expect(wal.recovery.records == 17)
        #expect(try wal.read(from: wal.start, maxBytes: Int.max).count == 17)
    }

    /// Opening reads segments in 1 MiB pieces: records longer than a piece check out, and a damaged region longer
    /// than the search window is skipped to the next record.
    @Test func largeRecordsAndLongDamageAcrossScanWindows() throws {
        let dir = tempDir()
        let big = String(repeating: "b", count: 3 << 20)
        do {
            let wal = try WriteAheadLog(directory: dir, maxSize: 64 << 20, segmentSize: 64 << 20)
            try wal.append(EntryCodec.encode(entries(1, "first-" + big)).payload)
            try wal.append(EntryCodec.encode(entries(1, "second-" + big)).payload)
            try wal.append(EntryCodec.encode(entries(1, "third")).payload)
        }
        let seg = WriteAheadLog.segmentPath(dir, 1)
        var bytes = try FileIO.read(seg)
        #expect(try WriteAheadLog(directory: dir).recovery.records == 3, "3 MiB records check out piece by piece")
        // Zero the second record entirely (more than two search windows), header included.
        let second = 8 + Int(le32(bytes, 0))
        let third = second + 8 + Int(le32(bytes, second))
        for k in second..<third { bytes[k] = 0 }
        try FileIO.writeAtomically(seg, bytes, durable: false)
        let wal = try WriteAheadLog(directory: dir)
        #expect(wal.recovery.corruptRecords == 1 && wal.recovery.records == 2)
        #expect(wal.recovery.truncatedBytes == Int64(third - second))
        let read = try wal.read(from: wal.start, maxBytes: Int.max)
        #expect(read.map(\.start.offset) == [0, Int64(third)])
    }

    /// Damage done after the log was opened is skipped by readers too, and counted.
    @Test func corruptionFoundWhileReadingIsSkippedAndCounted() throws {
        let dir = tempDir()
        do {
            let wal = try WriteAheadLog(directory: dir, maxSize: 1 << 20, segmentSize: 1 << 20)
            for i in 0..<10 { try wal.append(EntryCodec.encode(entries(2, "l\(i)")).payload) }
        }
        let wal = try WriteAheadLog(directory: dir)
        #expect(wal.recovery.corruptRecords == 0)
        let seg = WriteAheadLog.segmentPath(dir, 1)
        var bytes = try FileIO.read(seg)
        bytes[bytes.count / 2] ^= 0xFF
        try FileIO.writeAtomically(seg, bytes, durable: false)
        #expect(try wal.read(from: wal.start, maxBytes: Int.max).count == 9)
        #expect(wal.lateCorruption == 1)
        #expect(try wal.read(from: wal.start, maxBytes: Int.max).count == 9, "the region is remembered")
        #expect(wal.lateCorruption == 1)
    }

    /// A segment deleted or emptied by hand is reported with its number.
    @Test func missingAndEmptiedSegmentsAreReported() throws {
        let dir = tempDir()
        do {
            let wal = try WriteAheadLog(directory: dir, maxSize: 1 << 20, segmentSize: 4096)
            for i in 0..<40 { try wal.append(EntryCodec.encode(entries(3, "m\(i)-" + String(repeating: "m", count: 300))).payload) }
            #expect(wal.segmentCount >= 4)
        }
        unlink(WriteAheadLog.segmentPath(dir, 2))
        try FileIO.writeAtomically(WriteAheadLog.segmentPath(dir, 3), [], durable: false)
        let wal = try WriteAheadLog(directory: dir)
        #expect(wal.recovery.missingSegments == [2, 3])
    }

    @Test func cursorRecordsAreCheckedAndLegacyOnesRead() throws {
        let dir = tempDir()
        let wal = try WriteAheadLog(directory: dir, maxSize: 1 << 20, segmentSize: 1 << 20)
        for i in 0..<3 { try wal.append(EntryCodec.encode(entries(2, "c\(i)")).payload) }
        let all = try wal.read(from: wal.start, maxBytes: Int.max)
        try wal.saveCursor("loki", all[1].next)
        try wal.saveCursor("loki", all[0].next)   // rewritten in place, shorter
        #expect(wal.cursor("loki") == all[0].next)
        #expect(try FileIO.read(dir + "/cursor-loki").count == 80, "a fixed-size record")
        try Data("1 \(all[1].next.offset)\n".utf8).write(to: URL(fileURLWithPath: dir + "/cursor-old"))
        #expect(wal.cursor("old") == all[1].next, "the earlier two-field form is still read")
        try Data("1 \(all[1].next.offset) 0badc0de\n".utf8).write(to: URL(fileURLWithPath: dir + "/cursor-torn"))
        #expect(wal.cursor("torn") == wal.start, "a damaged record means delivering again, never skipping")
    }

    @Test func segmentsRollOverByAgeSoDeliveredDataIsReclaimed() throws {
        let dir = tempDir()
        let wal = try WriteAheadLog(directory: dir, maxSize: 1 << 20, segmentSize: 1 << 20, maxSegmentAge: .milliseconds(50))
        try wal.append(EntryCodec.encode(entries(2, "old")).payload)
        try wal.append(EntryCodec.encode(entries(2, "old2")).payload)
        #expect(wal.segmentCount == 1, "young segment keeps growing")
        Thread.sleep(forTimeInterval: 0.1)
        try wal.append(EntryCodec.encode(entries(2, "new")).payload)
        #expect(wal.segmentCount == 2, "an old segment is closed")
        let all = try wal.read(from: wal.start, maxBytes: Int.max)
        #expect(all.count == 3)
        wal.release(before: all[2].start)
        #expect(wal.segmentCount == 1, "the delivered old segment is deleted")
        #expect(try wal.read(from: wal.start, maxBytes: Int.max).count == 1)
    }

    @Test func capacityAndDropOldest() throws {
        let dir = tempDir()
        let wal = try WriteAheadLog(directory: dir, maxSize: 8192, segmentSize: 2048)
        var appended = 0
        while true {
            do {
                try wal.append(EntryCodec.encode(entries(4, "e\(appended)")).payload)
                appended += 1
            } catch {
                #expect(error.kind == .full)
                break
            }
        }
        #expect(wal.size <= 8192)
        let dropped = wal.dropOldestSegment()
        #expect(!dropped.isEmpty)
        try wal.append(EntryCodec.encode(entries(4, "fits-again")).payload)
        let remaining = try wal.read(from: wal.start, maxBytes: Int.max).count
        #expect(remaining == appended - dropped.count + 1, "exactly the dropped records are gone")
    }
}
