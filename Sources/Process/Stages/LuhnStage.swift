import LogCore
import RE2

/// `stage.luhn`: replaces card-number-like digit runs that pass the Luhn check (at least `min_length` digits,
/// at most 19, optionally separated by `delimiters`) with `replacement`, except inside matches of `skip_regex`.
/// As in Alloy, the result always goes to the line.
final class LuhnStage: EntryStage {
    let replacement: [UInt8]
    let minLength: Int
    let delimiters: Set<UInt8>
    let skip: RE2?
    let source: String?

    init(_ a: inout some StageArguments) {
        replacement = Array((a.string("replacement") ?? "**REDACTED**").utf8)
        minLength = a.int("min_length") ?? 13
        delimiters = Set((a.string("delimiters") ?? "").utf8)
        skip = compile(a.string("skip_regex"), &a, attribute: "skip_regex")
        source = a.string("source")
        if a.has("source") && source == "" { a.error("source cannot be empty", attribute: "source") }
    }

    static func luhnValid(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (i, d) in digits.reversed().enumerated() {
            var v = Int(d - 48)
            if i % 2 == 1 {
                v *= 2
                if v > 9 { v -= 9 }
            }
            sum += v
        }
        return sum % 10 == 0
    }

    func redact(_ b: [UInt8]) -> [UInt8] {
        var skipRanges: [Range<Int>] = []
        if let skip { skipRanges = b.withUnsafeBytes { skip.allMatches($0).compactMap { $0[0] } } }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            guard b[i] >= 48 && b[i] <= 57 else {
                out.append(b[i])
                i += 1
                continue
            }
            var j = i
            var digits: [UInt8] = []
            var lastDigitEnd = i
            while j < b.count {
                if b[j] >= 48 && b[j] <= 57 {
                    digits.append(b[j])
                    j += 1
                    lastDigitEnd = j
                } else if delimiters.contains(b[j]) {
                    j += 1
                } else {
                    break
                }
            }
            // The run ends at its last digit, plus one trailing delimiter if it ended with one.
            let end = j > lastDigitEnd ? lastDigitEnd + 1 : lastDigitEnd
            let inSkip = skipRanges.contains { $0.lowerBound <= i && end <= $0.upperBound }
            if digits.count >= minLength && digits.count <= 19 && !inSkip && LuhnStage.luhnValid(digits) {
                out += replacement
            } else {
                out += b[i..<end]
            }
            i = end
        }
        return out
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        if let source {
            guard let v = e.extracted[source]?.stringValue else { return nil }
            e.entry.line = redact(Array(v.utf8))
        } else {
            e.entry.line = redact(e.entry.line)
        }
        return nil
    }
}
