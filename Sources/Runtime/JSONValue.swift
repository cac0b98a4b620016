/// JSON decoding into Alloy values (numbers become floats) and compact encoding with sorted keys.
public enum JSONValue {
    public static func decode(_ bytes: [UInt8]) throws(ValueError) -> Value {
        var p = JSONReader(b: bytes)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i != bytes.count { throw ValueError("invalid character after top-level value at offset \(p.i)") }
        return v
    }

    /// Compact JSON with object keys sorted and `<`, `>`, `&` escaped as Go's encoder does.
    public static func encode(_ v: Value) -> String {
        var out: [UInt8] = []
        write(v, &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ v: Value, _ out: inout [UInt8]) {
        switch v {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let n): out += Array(n.text.utf8)
        case .string(let s): writeString(s, &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, x) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(x, &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(k, &out)
                out.append(UInt8(ascii: ":"))
                write(o[k]!, &out)
            }
            out.append(UInt8(ascii: "}"))
        case .capsule(let c as Secret): writeString(c.value, &out)
        case .function, .capsule: out += Array("null".utf8)
        case .mapList: write(v.expanded, &out)
        }
    }

    static func writeString(_ s: String, _ out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(34)
        for b in s.utf8 {
            switch b {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(34)
    }
}

private struct JSONReader {
    let b: [UInt8]
    var i = 0

    mutating func skipSpace() {
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
    }

    func err(_ m: String) -> ValueError { ValueError("\(m) at offset \(i)") }

    mutating func value(depth: Int) throws(ValueError) -> Value {
        guard depth < 512 else { throw err("JSON nested too deeply") }
        guard i < b.count else { throw err("unexpected end of JSON input") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var o: [String: Value] = [:]
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            while true {
                skipSpace()
                guard i < b.count, b[i] == 34 else { throw err("expected string key") }
                let k = try string()
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw err("expected ':'") }
                i += 1
                skipSpace()
                o[k] = try value(depth: depth + 1)
                skipSpace()
                guard i < b.count else { throw err("unexpected end of JSON input") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                throw err("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var a: [Value] = []
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                skipSpace()
                a.append(try value(depth: depth + 1))
                skipSpace()
                guard i < b.count else { throw err("unexpected end of JSON input") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                throw err("expected ',' or ']'")
            }
        case 34:
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            let start = i
            while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == 45 || b[i] == 43 || b[i] == 46 || b[i] == 101 || b[i] == 69 { i += 1 }
            guard i > start, let d = Double(String(decoding: b[start..<i], as: UTF8.self)) else {
                throw err("invalid character")
            }
            return .number(.float(d))
        }
    }

    mutating func literal(_ word: String) throws(ValueError) {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, b[i..<i + w.count].elementsEqual(w) else { throw err("invalid literal") }
        i += w.count
    }

    mutating func string() throws(ValueError) -> String {
        i += 1
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            if c == 34 { i += 1; return String(decoding: out, as: UTF8.self) }
            if c != 92 { out.append(c); i += 1; continue }
            i += 1
            guard i < b.count else { break }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "u"):
                var v = try hex4()
                if (0xD800..<0xDC00).contains(v), i + 6 <= b.count, b[i] == 92, b[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let lo = try hex4()
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                }
                let s = Unicode.Scalar(v) ?? "\u{FFFD}"
                out += Array(String(Character(s)).utf8)
            default: out.append(e)
            }
        }
        throw err("unterminated string")
    }

    mutating func hex4() throws(ValueError) -> UInt32 {
        guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw err("invalid \\u escape")
        }
        i += 4
        return v
    }
}

/// Standard and URL-safe padded base64.
enum Base64 {
    static let std = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let url = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ b: [UInt8], urlSafe: Bool) -> String {
        let t = urlSafe ? url : std
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            let n = min(3, b.count - i)
            let v = (UInt32(b[i]) << 16) | (n > 1 ? UInt32(b[i + 1]) << 8 : 0) | (n > 2 ? UInt32(b[i + 2]) : 0)
            out.append(t[Int(v >> 18 & 63)])
            out.append(t[Int(v >> 12 & 63)])
            out.append(n > 1 ? t[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(n > 2 ? t[Int(v & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ s: String, urlSafe: Bool) -> [UInt8]? {
        let t = urlSafe ? url : std
        var rev = [Int](repeating: -1, count: 256)
        for (i, c) in t.enumerated() { rev[Int(c)] = i }
        let b = Array(s.utf8)
        guard b.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            var v: UInt32 = 0
            var pad = 0
            for k in 0..<4 {
                let c = b[i + k]
                if c == UInt8(ascii: "=") && i + 4 == b.count && k >= 2 {
                    pad += 1
                    v <<= 6
                    continue
                }
                if pad > 0 { return nil }
                let d = rev[Int(c)]
                if d < 0 { return nil }
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

/// Go's `url.QueryEscape` / `QueryUnescape`.
enum URLQuery {
    static func escape(_ s: String) -> String {
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

    static func unescape(_ s: String) -> String? {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count, let v = UInt8(String(decoding: b[i + 1...i + 2], as: UTF8.self), radix: 16) else { return nil }
                out.append(v)
                i += 3
            } else {
                out.append(b[i] == UInt8(ascii: "+") ? 32 : b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Go's `filepath.Join` + `Clean` for slash-separated paths.
public enum PathClean {
    public static func join(_ parts: [String]) -> String {
        let nonEmpty = parts.filter { !$0.isEmpty }
        if nonEmpty.isEmpty { return "" }
        return clean(nonEmpty.joined(separator: "/"))
    }

    public static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = out.last, last != ".." { out.removeLast() } else if !rooted { out.append(part) }
                continue
            }
            out.append(part)
        }
        let body = out.joined(separator: "/")
        if rooted { return "/" + body }
        return body.isEmpty ? "." : body
    }
}
