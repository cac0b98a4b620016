/// Go's `time.Duration` text: `time.ParseDuration` and `Duration.String`, on integer nanoseconds.
public enum GoDuration {
    private static let units: [String: UInt64] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// Parses `"300ms"`, `"-1.5h"`, `"2h45m"`: a signed sequence of decimal numbers with units (`ns`, `us`/`µs`,
    /// `ms`, `s`, `m`, `h`), in nanoseconds; exactly Go's grammar, limits and error messages.
    public static func parse(_ text: String) throws(CodecError) -> Int64 {
        let invalid = CodecError("time: invalid duration " + GoQuote.quoted(text))
        var s = Array(text.utf8)[...]
        var neg = false
        if let c = s.first, c == 45 || c == 43 {
            neg = c == 45
            s = s.dropFirst()
        }
        if s.count == 1 && s.first == 48 { return 0 }
        if s.isEmpty { throw invalid }
        let limit = UInt64(1) << 63
        var d: UInt64 = 0
        while let first = s.first {
            guard first == 46 || (first >= 48 && first <= 57) else { throw invalid }
            var v: UInt64 = 0
            var pre = false
            while let c = s.first, c >= 48, c <= 57 {
                guard v <= limit / 10 else { throw invalid }
                v = v * 10 + UInt64(c - 48)
                guard v <= limit else { throw invalid }
                s = s.dropFirst()
                pre = true
            }
            var f: UInt64 = 0
            var scale = 1.0
            var post = false
            if s.first == 46 {
                s = s.dropFirst()
                var overflow = false
                while let c = s.first, c >= 48, c <= 57 {
                    s = s.dropFirst()
                    post = true
                    if overflow { continue }
                    if f > (limit - 1) / 10 { overflow = true; continue }
                    let y = f * 10 + UInt64(c - 48)
                    if y > limit { overflow = true; continue }
                    f = y
                    scale *= 10
                }
            }
            guard pre || post else { throw invalid }
            let unitEnd = s.firstIndex { $0 == 46 || ($0 >= 48 && $0 <= 57) } ?? s.endIndex
            guard unitEnd > s.startIndex else { throw CodecError("time: missing unit in duration " + GoQuote.quoted(text)) }
            let name = String(decoding: s[..<unitEnd], as: UTF8.self)
            s = s[unitEnd...]
            guard let unit = units[name] else {
                throw CodecError("time: unknown unit " + GoQuote.quoted(name) + " in duration " + GoQuote.quoted(text))
            }
            guard v <= limit / unit else { throw invalid }
            v *= unit
            if f > 0 {
                v += UInt64(Double(f) * (Double(unit) / scale))
                guard v <= limit else { throw invalid }
            }
            d += v
            guard d <= limit else { throw invalid }
        }
        if neg { return d == limit ? Int64.min : -Int64(d) }
        guard d <= limit - 1 else { throw invalid }
        return Int64(d)
    }

    /// Go's `Duration.String`: `"1h30m0s"`, `"1.5s"`, `"250ms"`, `"1.5µs"`, `"0s"`.
    public static func format(_ nanoseconds: Int64) -> String {
        var u = nanoseconds.magnitude
        if u == 0 { return "0s" }
        var out: [UInt8] = []
        if u < 1_000_000_000 {
            let (prec, unit): (Int, String) = u < 1_000 ? (0, "ns") : u < 1_000_000 ? (3, "µs") : (6, "ms")
            out = Array(unit.utf8).reversed()
            u = appendFraction(u, precision: prec, reversedInto: &out)
            appendInteger(u, reversedInto: &out)
        } else {
            out = [115]
            u = appendFraction(u, precision: 9, reversedInto: &out)
            appendInteger(u % 60, reversedInto: &out)
            u /= 60
            if u > 0 {
                out.append(109)
                appendInteger(u % 60, reversedInto: &out)
                u /= 60
                if u > 0 {
                    out.append(104)
                    appendInteger(u, reversedInto: &out)
                }
            }
        }
        if nanoseconds < 0 { out.append(45) }
        return String(decoding: out.reversed(), as: UTF8.self)
    }

    /// Go's `fmtFrac`: the fraction of `v / 10^precision` without trailing zeros (nothing when it is zero),
    /// written back to front; returns the integer part.
    private static func appendFraction(_ v: UInt64, precision: Int, reversedInto out: inout [UInt8]) -> UInt64 {
        var v = v
        var printed = false
        for _ in 0..<precision {
            let digit = v % 10
            printed = printed || digit != 0
            if printed { out.append(UInt8(48 + digit)) }
            v /= 10
        }
        if printed { out.append(46) }
        return v
    }

    private static func appendInteger(_ v: UInt64, reversedInto out: inout [UInt8]) {
        var v = v
        repeat {
            out.append(UInt8(48 + v % 10))
            v /= 10
        } while v > 0
    }
}
