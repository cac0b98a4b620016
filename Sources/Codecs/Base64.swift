/// Padded base64, standard and URL-safe alphabets (RFC 4648), as Go's `encoding/base64` writes and reads them.
public enum Base64 {
    public enum Alphabet: Sendable {
        case standard
        case urlSafe
    }

    private static let standardDigits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafeDigits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The padded encoding of `bytes`.
    public static func encode<C: Collection>(_ bytes: C, alphabet: Alphabet = .standard) -> String where C.Element == UInt8 {
        let t = alphabet == .standard ? standardDigits : urlSafeDigits
        let b = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((b.count + 2) / 3 * 4)
        var i = 0
        while i < b.count {
            let n = min(3, b.count - i)
            let v = UInt32(b[i]) << 16 | (n > 1 ? UInt32(b[i + 1]) << 8 : 0) | (n > 2 ? UInt32(b[i + 2]) : 0)
            out += [t[Int(v >> 18 & 63)], t[Int(v >> 12 & 63)], n > 1 ? t[Int(v >> 6 & 63)] : 61, n > 2 ? t[Int(v & 63)] : 61]
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a padded encoding; nil when it is not one. Line breaks (`\r`, `\n`) are skipped, as Go does.
    public static func decode(_ text: String, alphabet: Alphabet = .standard) -> [UInt8]? {
        let t = alphabet == .standard ? standardDigits : urlSafeDigits
        var value = [Int8](repeating: -1, count: 256)
        for (i, c) in t.enumerated() { value[Int(c)] = Int8(i) }
        let b = text.utf8.filter { $0 != 10 && $0 != 13 }
        guard b.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 4 * 3)
        var i = 0
        while i < b.count {
            var v: UInt32 = 0
            var pad = 0
            for k in 0..<4 {
                let c = b[i + k]
                if c == 61 && i + 4 == b.count && k >= 2 {
                    pad += 1
                    v <<= 6
                    continue
                }
                let d = value[Int(c)]
                if pad > 0 || d < 0 { return nil }
                v = v << 6 | UInt32(d)
            }
            out.append(UInt8(v >> 16 & 255))
            if pad < 2 { out.append(UInt8(v >> 8 & 255)) }
            if pad < 1 { out.append(UInt8(v & 255)) }
            i += 4
        }
        return out
    }
}
