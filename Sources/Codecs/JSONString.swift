/// JSON string literals on bytes: writing them (two escaping styles) and reading them back.
public enum JSONString {
    /// How a string literal is escaped.
    public enum Style: Sendable {
        /// What JSON requires and no more: `"` and `\` escaped, `\n`, `\r`, `\t`, other control bytes as `\u00XX`;
        /// UTF-8 written as it is, each invalid byte as U+FFFD (Loki push bodies, positions files, log lines).
        case minimal
        /// Go's `encoding/json` default (what Alloy's JSON output looks like): also `<`, `>`, `&` as `\u003c`,
        /// `\u003e`, `\u0026`, U+2028 and U+2029 escaped, each invalid UTF-8 byte as `\ufffd`.
        case goHTMLSafe
    }

    /// Appends `bytes` as a JSON string literal. Runs of bytes that need no escaping are found eight at a time and
    /// written in one piece.
    @inlinable
    public static func append<Out: ByteOutput>(_ bytes: UnsafeRawBufferPointer, to out: inout Out, style: Style = .minimal) {
        out.write(34)
        let n = bytes.count
        let html = style == .goHTMLSafe
        var run = 0
        var i = 0
        while i < n {
            i = plainPrefixEnd(bytes, from: i, html: html)
            if i >= n { break }
            if run < i { out.write(UnsafeRawBufferPointer(rebasing: bytes[run..<i])) }
            let b = bytes[i]
            if b < 0x80 {
                appendEscape(b, to: &out)
                i += 1
            } else {
                let len = UTF8Bytes.sequenceLength(bytes, i)
                if len == 0 {
                    if html {
                        out.write(92, 117); out.write(102, 102); out.write(102, 100)
                    } else {
                        out.write(0xEF, 0xBF); out.write(0xBD)
                    }
                    i += 1
                } else if html && len == 3 && b == 0xE2 && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9) {
                    out.write(92, 117); out.write(50, 48); out.write(50, bytes[i + 2] == 0xA8 ? 56 : 57)
                    i += 3
                } else {
                    out.write(UnsafeRawBufferPointer(rebasing: bytes[i..<i + len]))
                    i += len
                }
            }
            run = i
        }
        if run < n { out.write(UnsafeRawBufferPointer(rebasing: bytes[run..<n])) }
        out.write(34)
    }

    /// Appends a string as a JSON string literal.
    @inlinable
    public static func append<Out: ByteOutput>(_ s: String, to out: inout Out, style: Style = .minimal) {
        var s = s
        s.withUTF8 { append(UnsafeRawBufferPointer($0), to: &out, style: style) }
    }

    /// A string as a JSON string literal.
    public static func quoted(_ s: String, style: Style = .minimal) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        append(s, to: &out, style: style)
        return String(decoding: out, as: UTF8.self)
    }

    /// Index of the first byte at or after `start` that needs escaping or is not ASCII (or `bytes.count`).
    @inlinable @inline(__always)
    static func plainPrefixEnd(_ bytes: UnsafeRawBufferPointer, from start: Int, html: Bool) -> Int {
        let n = bytes.count
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func equal(_ w: UInt64, _ c: UInt64) -> UInt64 {
            let x = w ^ (ones &* c)
            return (x &- ones) & ~x
        }
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte is special if < 0x20, == '"', == '\\' or >= 0x80 (and with `html` one of `<>&`): the classic
            // "has zero / has less" tricks; borrows only flag bytes above a real hit, and the lowest is returned.
            var special = (w &- ones &* 0x20) & ~w | equal(w, 0x22) | equal(w, 0x5C) | w
            if html { special |= equal(w, 0x3C) | equal(w, 0x3E) | equal(w, 0x26) }
            special &= highs
            if special != 0 { return i + (special.trailingZeroBitCount >> 3) }
            i += 8
        }
        while i < n {
            let b = bytes[i]
            if b < 0x20 || b == 34 || b == 92 || b >= 0x80 || (html && (b == 60 || b == 62 || b == 38)) { return i }
            i += 1
        }
        return n
    }

    @inlinable @inline(__always)
    static func appendEscape<Out: ByteOutput>(_ b: UInt8, to out: inout Out) {
        switch b {
        case 34: out.write(92, 34)
        case 92: out.write(92, 92)
        case 10: out.write(92, 110)
        case 13: out.write(92, 114)
        case 9: out.write(92, 116)
        default:
            out.write(92, 117)
            out.write(48, 48)
            out.write(hexDigit(b >> 4), hexDigit(b & 15))
        }
    }

    /// Reads the string literal starting at `i` (its opening quote) in `b`; on success `i` is just past the
    /// closing quote. Escapes are JSON's (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX` with surrogate
    /// pairs; a lone surrogate becomes U+FFFD); a raw control byte or any other escape is an error.
    public static func read<C: RandomAccessCollection>(_ b: C, at i: inout Int) throws(JSONError) -> String
    where C.Element == UInt8, C.Index == Int {
        let start = i
        guard i < b.endIndex, b[i] == 34 else { throw JSONError("expected string", offset: i - b.startIndex) }
        i += 1
        var out: [UInt8] = []
        while i < b.endIndex {
            let c = b[i]
            if c == 34 { i += 1; return String(decoding: out, as: UTF8.self) }
            if c < 32 { throw JSONError("invalid character in string literal", offset: i - b.startIndex) }
            if c != 92 { out.append(c); i += 1; continue }
            guard i + 1 < b.endIndex else { break }
            let e = b[i + 1]
            i += 2
            switch e {
            case 34, 92, 47: out.append(e)
            case 98: out.append(8)
            case 102: out.append(12)
            case 110: out.append(10)
            case 114: out.append(13)
            case 116: out.append(9)
            case 117:
                guard var v = hex4(b, i) else { throw JSONError("invalid \\u escape", offset: i - 2 - b.startIndex) }
                i += 4
                if v >= 0xD800 && v < 0xDC00, i + 6 <= b.endIndex, b[i] == 92, b[i + 1] == 117,
                   let lo = hex4(b, i + 2), lo >= 0xDC00 && lo < 0xE000 {
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                    i += 6
                }
                UTF8Bytes.append(Unicode.Scalar(v) ?? "\u{FFFD}", to: &out)
            default: throw JSONError("invalid escape \\\(Character(Unicode.Scalar(e)))", offset: i - 2 - b.startIndex)
            }
        }
        throw JSONError("unterminated string literal", offset: start - b.startIndex)
    }

    /// The text of a whole JSON (or YAML double-quoted) string literal, quotes included; nil when it is not one.
    public static func unquote<S: StringProtocol>(_ s: S) -> String? {
        let b = Array(s.utf8)
        var i = 0
        guard let v = try? read(b, at: &i), i == b.count else { return nil }
        return v
    }

    static func hex4<C: RandomAccessCollection>(_ b: C, _ i: Int) -> UInt32? where C.Element == UInt8, C.Index == Int {
        guard i + 4 <= b.endIndex else { return nil }
        var v: UInt32 = 0
        for k in i..<i + 4 {
            let c = b[k]
            let d: UInt8
            switch c {
            case 48...57: d = c - 48
            case 97...102: d = c - 87
            case 65...70: d = c - 55
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }
}
