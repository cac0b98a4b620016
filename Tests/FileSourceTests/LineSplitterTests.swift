import Testing
@testable import FileSource

@Suite struct LineSplitterTests {
    static let input = Array("first\nsecond\r\n\nthird line is longer\nunterminated".utf8)

    /// Splits `chunks`; returns the lines (decoded as UTF-8, `\r` kept), the acknowledged offset and the flushed tail.
    func split(_ chunks: [[UInt8]], encoding: TextEncoding = .utf8, max: Int = 0) -> ([String], Int, String?, [Bool]) {
        var s = LineSplitter(encoding: encoding, maxLineSize: max)
        var lines: [String] = []
        var truncated: [Bool] = []
        var consumed = 0
        for c in chunks {
            consumed += c.count
            c.withUnsafeBytes { raw in
                s.feed(raw) { line, t, _ in
                    lines.append(String(decoding: LineDecoder.decode(line, encoding).0, as: UTF8.self))
                    truncated.append(t)
                }
            }
        }
        let acked = consumed - s.pendingBytes
        var tail: String? = nil
        s.flush { line, _ in tail = String(decoding: LineDecoder.decode(line, encoding).0, as: UTF8.self) }
        return (lines, acked, tail, truncated)
    }

    static func randomCuts(_ bytes: [UInt8]) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var i = 0
        while i < bytes.count {
            let n = Int.random(in: 1...7)
            chunks.append(Array(bytes[i..<min(i + n, bytes.count)]))
            i += n
        }
        return chunks
    }

    /// The same lines whether the input arrives whole, byte by byte, or cut at random places.
    @Test func sameOutputHoweverTheInputIsCut() {
        let whole = split([Self.input])
        #expect(whole.0 == ["first", "second\r", "", "third line is longer"])
        #expect(whole.1 == Self.input.count - "unterminated".utf8.count)
        #expect(whole.2 == "unterminated")
        let bytewise = split(Self.input.map { [$0] })
        #expect(bytewise.0 == whole.0 && bytewise.1 == whole.1 && bytewise.2 == whole.2)
        for _ in 0..<50 {
            let r = split(Self.randomCuts(Self.input))
            #expect(r.0 == whole.0 && r.1 == whole.1 && r.2 == whole.2)
        }
    }

    @Test func longLinesAreTruncatedWithoutHoldingThem() {
        let long = Array(String(repeating: "x", count: 100).utf8) + [10] + Array("ok\n".utf8)
        for chunks in [[long], long.map { [$0] }, Self.randomCuts(long)] {
            let r = split(chunks, max: 10)
            #expect(r.0 == [String(repeating: "x", count: 10), "ok"])
            #expect(r.3 == [true, false])
            #expect(r.1 == long.count, "the discarded rest still counts as consumed")
        }
    }

    @Test func utf16LittleAndBigEndian() {
        let text = "héllo\nwörld 🌍\nrest"
        let le = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let be = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, enc) in [(le, TextEncoding.utf16LE), (be, .utf16BE)] {
            for chunks in [[bytes], bytes.map { [$0] }, Self.randomCuts(bytes)] {
                let r = split(chunks, encoding: enc)
                #expect(r.0 == ["héllo", "wörld 🌍"])
                #expect(r.2 == "rest")
                #expect(r.1 == bytes.count - 8)
            }
        }
    }

    @Test func invalidUTF8IsReplacedNeverDropped() {
        let bytes: [UInt8] = [0x61, 0xFF, 0x62, 0xC3, 0x28, 0xE2, 0x82, 0x0A]
        let r = split([bytes])
        #expect(r.0 == ["a\u{FFFD}b\u{FFFD}(\u{FFFD}\u{FFFD}"])
    }
}
