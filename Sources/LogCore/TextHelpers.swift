/// Small byte-level helpers several modules share.
public enum TextHelpers {
    /// Whether `name` is a label name Loki accepts: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isValidLabelName(_ name: String) -> Bool {
        var first = true
        for c in name.utf8 {
            let ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || (!first && c >= 48 && c <= 57)
            if !ok { return false }
            first = false
        }
        return !first
    }

    /// Length of the valid UTF-8 sequence starting at `i` (1 for ASCII), or 0 when it is invalid.
    @inlinable
    public static func utf8SequenceLength<C: Collection>(_ b: C, _ i: C.Index) -> Int where C.Element == UInt8, C.Index == Int {
        let end = b.endIndex
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool { i + k < end && b[i + k] >= lo && b[i + k] <= hi }
        switch b[i] {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE, 0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// Standard padded base64.
    public static func base64(_ b: [UInt8]) -> String {
        let t = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
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
}
