import LogCore

/// `stage.decolorize`: removes ANSI escape sequences (colours, cursor movement) from the line.
final class DecolorizeStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    init(_ a: inout some StageArguments) {}

    static func strip(_ b: [UInt8]) -> [UInt8] {
        guard b.contains(0x1B) || b.contains(0xC2) else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            var introducer = 0
            if b[i] == 0x1B { introducer = 1 } else if b[i] == 0xC2, i + 1 < b.count, b[i + 1] == 0x9B { introducer = 2 }
            guard introducer > 0 else {
                out.append(b[i])
                i += 1
                continue
            }
            var j = i + introducer
            while j < b.count, [UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "#"), UInt8(ascii: ";"), UInt8(ascii: "?")].contains(b[j]) { j += 1 }
            // OSC: … BEL
            if let bel = b[j...].firstIndex(of: 0x07), b[j..<bel].allSatisfy({ $0 >= 0x20 && $0 != 0x1B }), j > i + introducer, b[i + introducer] == UInt8(ascii: "]") {
                i = bel + 1
                continue
            }
            // CSI parameters: \d{1,4}(;\d{0,4})* then a final byte.
            var k = j
            while k < b.count, (b[k] >= 48 && b[k] <= 57) || b[k] == 59 { k += 1 }
            if k < b.count, DecolorizeStage.isFinal(b[k]) {
                i = k + 1
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    /// `[\dA-PRZcf-ntqry=><~]`: the bytes that end a CSI sequence.
    static func isFinal(_ c: UInt8) -> Bool {
        switch c {
        case 48...57, 65...80, 82, 90, 99, 102...110, 116, 113, 114, 121, 61, 62, 60, 126: return true
        default: return false
        }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        e.entry.line = DecolorizeStage.strip(e.entry.line)
        return nil
    }
}
