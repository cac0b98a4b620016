/// Quotes `s` as Go's `strconv.Quote` (`%q`) does: escapes `"`, `\` and non-printable characters.
public func goQuote(_ s: String) -> String { goQuote(bytes: Array(s.utf8)) }

/// Quotes raw bytes as Go's `%q` does; invalid UTF-8 bytes become `\xHH`.
public func goQuote(bytes: [UInt8]) -> String {
    var out: [UInt8] = [34]
    let hex = Array("0123456789abcdef".utf8)
    func appendHex(_ v: UInt32, digits: Int) {
        for i in stride(from: digits - 1, through: 0, by: -1) { out.append(hex[Int((v >> (UInt32(i) * 4)) & 0xF)]) }
    }
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        if b < 0x80 {
            switch b {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 7: out += [92, UInt8(ascii: "a")]
            case 8: out += [92, UInt8(ascii: "b")]
            case 12: out += [92, UInt8(ascii: "f")]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 11: out += [92, UInt8(ascii: "v")]
            case 0..<0x20, 0x7F:
                out += [92, UInt8(ascii: "x")]
                appendHex(UInt32(b), digits: 2)
            default: out.append(b)
            }
            i += 1
            continue
        }
        let (scalar, width) = Scanner.decodeUTF8(bytes, at: i)
        if let scalar, let u = Unicode.Scalar(scalar) {
            if Scanner.isPrintable(u) && !(u.properties.generalCategory == .spaceSeparator) {
                out.append(contentsOf: bytes[i..<i + width])
            } else if scalar < 0x10000 {
                out += [92, UInt8(ascii: "u")]
                appendHex(scalar, digits: 4)
            } else {
                out += [92, UInt8(ascii: "U")]
                appendHex(scalar, digits: 8)
            }
        } else {
            out += [92, UInt8(ascii: "x")]
            appendHex(UInt32(b), digits: 2)
        }
        i += width
    }
    out.append(34)
    return String(decoding: out, as: UTF8.self)
}
