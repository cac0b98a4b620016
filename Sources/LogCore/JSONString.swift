private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Appends `s` as a JSON string literal: `"` and `\` escaped, `\n`, `\r`, `\t`, other control bytes as `\u00XX`;
/// with `escapeHTML`, also `<`, `>` and `&` (as Go's encoder does); everything else (UTF-8 included) as it is.
public func appendJSONString(_ s: String, to out: inout [UInt8], escapeHTML: Bool = false) {
    out.append(34)
    for b in s.utf8 {
        switch b {
        case 34: out.append(contentsOf: [92, 34])
        case 92: out.append(contentsOf: [92, 92])
        case 10: out.append(contentsOf: [92, 110])
        case 13: out.append(contentsOf: [92, 114])
        case 9: out.append(contentsOf: [92, 116])
        case 0..<32: out.append(contentsOf: [92, 117, 48, 48, hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]])
        case 60 where escapeHTML, 62 where escapeHTML, 38 where escapeHTML: out.append(contentsOf: [92, 117, 48, 48, hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]])
        default: out.append(b)
        }
    }
    out.append(34)
}

/// Appends raw bytes as a JSON string literal the way Go's HTML-safe encoder writes a Go string (what Alloy's
/// JSON output looks like): `"` and `\` escaped, `\n`, `\r`, `\t`, other control bytes as `\u00XX`, `<`, `>`, `&`
/// as `\u003c`, `\u003e`, `\u0026`, U+2028 and U+2029 escaped, each invalid UTF-8 byte as `\ufffd`.
public func appendGoJSONString(_ b: UnsafeRawBufferPointer, to out: inout [UInt8]) {
    out.append(34)
    var i = 0
    let n = b.count
    while i < n {
        // A run of bytes written as they are.
        var j = i
        while j < n {
            let c = b[j]
            if c < 0x20 || c >= 0x80 || c == 34 || c == 92 || c == 60 || c == 62 || c == 38 { break }
            j += 1
        }
        if j > i {
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[i..<j]))
            i = j
            if i == n { break }
        }
        let c = b[i]
        if c >= 0x80 {
            let l = TextHelpers.utf8SequenceLength(b, i)
            if l == 0 {
                out.append(contentsOf: [92, 117, 102, 102, 102, 100])
                i += 1
            } else if l == 3 && c == 0xE2 && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9) {
                out.append(contentsOf: [92, 117, 50, 48, 50, b[i + 2] == 0xA8 ? 56 : 57])
                i += 3
            } else {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[i..<i + l]))
                i += l
            }
            continue
        }
        switch c {
        case 34: out.append(contentsOf: [92, 34])
        case 92: out.append(contentsOf: [92, 92])
        case 10: out.append(contentsOf: [92, 110])
        case 13: out.append(contentsOf: [92, 114])
        case 9: out.append(contentsOf: [92, 116])
        default: out.append(contentsOf: [92, 117, 48, 48, hexDigits[Int(c >> 4)], hexDigits[Int(c & 15)]])
        }
        i += 1
    }
    out.append(34)
}

/// The text of a JSON (or YAML double-quoted) string literal, quotes included; nil when it is not one.
public func unquoteJSON<S: StringProtocol>(_ s: S) -> String? {
    let b = Array(s.utf8)
    guard b.count >= 2, b.first == 34, b.last == 34 else { return nil }
    var out: [UInt8] = []
    var i = 1
    while i < b.count - 1 {
        let c = b[i]
        if c != 92 { out.append(c); i += 1; continue }
        guard i + 1 < b.count - 1 else { return nil }
        let e = b[i + 1]
        i += 2
        switch e {
        case 34, 92, 47: out.append(e)
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "u"):
            guard i + 4 <= b.count - 1, let v = UInt32(String(decoding: b[i..<i + 4], as: UTF8.self), radix: 16),
                  let sc = Unicode.Scalar(v) else { return nil }
            out += Array(String(sc).utf8)
            i += 4
        default: return nil
        }
    }
    return String(decoding: out, as: UTF8.self)
}
