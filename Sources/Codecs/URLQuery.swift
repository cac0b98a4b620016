/// Go's `url.QueryEscape` / `QueryUnescape`: the query-string escaping of `encoding.url_encode` and the `urlquery` template function.
public enum URLQuery {
    public static func escape(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(c)
            case 32: out.append(UInt8(ascii: "+"))
            default: out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func unescape(_ s: String) -> String? { percentDecoded(s, plusIsSpace: true) }

    /// `%XX` escapes decoded (and `+` as a space in a query); nil for a broken escape. Go's `url.PathUnescape`
    /// without `plusIsSpace`, as for a URL's user name and password.
    public static func percentDecoded(_ s: String, plusIsSpace: Bool) -> String? {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count, let v = UInt8(String(decoding: b[i + 1...i + 2], as: UTF8.self), radix: 16) else { return nil }
                out.append(v)
                i += 3
            } else {
                out.append(plusIsSpace && b[i] == UInt8(ascii: "+") ? 32 : b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
