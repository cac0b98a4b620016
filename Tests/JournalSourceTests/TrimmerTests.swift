import Foundation
import JournalFixtures
import Testing
@testable import JournalSource

/// Dropping the resident pages of libsystemd's journal mappings frees memory without changing what is read.
@Suite struct TrimmerTests {
    @Test func mapsLinesOfJournalFilesAreRecognised() {
        func parse(_ s: String) -> (UInt, UInt)? { MappedJournalTrimmer.journalMapping(ArraySlice(Array(s.utf8))).map { ($0.start, $0.end) } }
        #expect(parse("7f1a00000000-7f1a00800000 r--s 00000000 fe:01 1234 /var/log/journal/0b7e/system.journal")! == (0x7f1a00000000, 0x7f1a00800000))
        #expect(parse("7f1a00000000-7f1a00800000 r--s 00000000 fe:01 1234 /run/log/journal/0b7e/user-1000@abc.journal~") != nil)
        #expect(parse("7f1a00000000-7f1a00800000 rw-s 00000000 fe:01 1234 /var/log/journal/0b7e/system.journal") == nil, "writable maps are not touched")
        #expect(parse("7f1a00000000-7f1a00800000 r--p 00000000 fe:01 1234 /var/log/journal/0b7e/system.journal") == nil, "private maps are not touched")
        #expect(parse("55d0c0000000-55d0c0021000 r-xp 00000000 fe:01 99 /usr/bin/tributary") == nil)
    }

    @Test func readingAfterATrimGivesTheSameEntries() throws {
        let dir = temporaryDirectory()
        let now = JournalFixtures.nowMicros
        let n = 20_000
        try JournalFixtures.write((0..<n).map { JournalFixtureEntry([("MESSAGE", "message number \($0) " + String(repeating: "x", count: $0 % 200)), ("_SYSTEMD_UNIT", "u\($0 % 7).service")],
                                                                    realtime: now - 10_000_000 + UInt64($0)) },
                                  to: dir.appendingPathComponent("s.journal").path)
        let journal = try SystemJournal(path: dir.path)
        var messages: [String] = []
        var trimmed = 0
        while try journal.next() {
            try journal.forEachField { f in
                if f.starts(with: Array("MESSAGE=".utf8)) { messages.append(String(decoding: f.dropFirst(8), as: UTF8.self)) }
            }
            if messages.count % 5_000 == 0 { trimmed += MappedJournalTrimmer.trim() }
        }
        #expect(trimmed > 0, "the journal file was mapped and advised")
        #expect(messages == (0..<n).map { "message number \($0) " + String(repeating: "x", count: $0 % 200) })
    }
}
