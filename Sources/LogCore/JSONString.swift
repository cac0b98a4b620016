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
