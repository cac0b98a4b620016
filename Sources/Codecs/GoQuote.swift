/// Go's `strconv.Quote` (and `%q`): a double-quoted literal with `"` and `\` escaped, `\a \b \f \n \r \t \v`,
/// other control bytes and invalid UTF-8 bytes as `\xNN`, characters that are not printable (Go's
/// `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space) as `\uNNNN` or
/// `\UNNNNNNNN`, everything else as it is.
public enum GoQuote {
    /// Appends the quoted form of raw bytes.
    public static func append<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8, C.Index == Int {
        out.append(34)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b < 0x80 {
                switch b {
                case 34: out += [92, 34]
                case 92: out += [92, 92]
                case 7: out += [92, 97]
                case 8: out += [92, 98]
                case 12: out += [92, 102]
                case 10: out += [92, 110]
                case 13: out += [92, 114]
                case 9: out += [92, 116]
                case 11: out += [92, 118]
                case 0..<0x20, 0x7F: out += [92, 120, hexDigit(b >> 4), hexDigit(b & 15)]
                default: out.append(b)
                }
                i += 1
                continue
            }
            let (scalar, width) = UTF8Bytes.decode(bytes, at: i)
            if let scalar, let u = Unicode.Scalar(scalar) {
                if isPrintable(u) {
                    out.append(contentsOf: bytes[i..<i + width])
                } else if scalar < 0x10000 {
                    out += [92, 117]
                    appendHex(scalar, digits: 4, to: &out)
                } else {
                    out += [92, 85]
                    appendHex(scalar, digits: 8, to: &out)
                }
            } else {
                out += [92, 120, hexDigit(b >> 4), hexDigit(b & 15)]
            }
            i += width
        }
        out.append(34)
    }

    /// Appends the quoted form of a string.
    public static func append(_ s: String, to out: inout [UInt8]) { append(Array(s.utf8), to: &out) }

    /// The quoted form of a string.
    public static func quoted(_ s: String) -> String { quoted(bytes: Array(s.utf8)) }

    /// The quoted form of raw bytes.
    public static func quoted(bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 2)
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Go's `strconv.IsPrint`.
    public static func isPrintable(_ s: Unicode.Scalar) -> Bool {
        if s == " " { return true }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func appendHex(_ v: UInt32, digits: Int, to out: inout [UInt8]) {
        for k in stride(from: digits - 1, through: 0, by: -1) { out.append(hexDigit(UInt8(v >> (UInt32(k) * 4) & 0xF))) }
    }
}
