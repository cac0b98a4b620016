import Testing
@testable import FileSource

@Suite struct LineSplitterTests {
    static let input = Array("first\nsecond\r\n\nthird line is longer\nunterminated".utf8)

    func split(_ chunks: [[UInt8]]) -> ([String], Int, String?) {
        var s = LineSplitter()
        var lines: [String] = []
        var consumed = 0
        for c in chunks {
            c.withUnsafeBytes { raw in
                s.feed(raw) { line, n in
                    lines.append(String(decoding: line, as: UTF8.self))
                    consumed += n
                }
            }
        }
        return (lines, consumed, s.flush().map { String(decoding: $0, as: UTF8.self) })
    }

    /// The same lines whether the input arrives whole, byte by byte, or cut at random places.
    @Test func sameOutputHoweverTheInputIsCut() {
        let whole = split([Self.input])
        #expect(whole.0 == ["first", "second", "", "third line is longer"])
        #expect(whole.1 == Self.input.count - "unterminated".utf8.count)
        #expect(whole.2 == "unterminated")
        let bytewise = split(Self.input.map { [$0] })
        #expect(bytewise.0 == whole.0 && bytewise.1 == whole.1 && bytewise.2 == whole.2)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var chunks: [[UInt8]] = []
            var i = 0
            while i < Self.input.count {
                let n = Int.random(in: 1...7, using: &rng)
                chunks.append(Array(Self.input[i..<min(i + n, Self.input.count)]))
                i += n
            }
            let r = split(chunks)
            #expect(r.0 == whole.0 && r.1 == whole.1 && r.2 == whole.2)
        }
    }
}
