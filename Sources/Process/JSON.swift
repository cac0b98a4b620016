import LogCore

/// A parsed JSON document (for `stage.json`, `stage.docker`), objects keeping their key order.
indirect enum JSON: Equatable {
    case object([(String, JSON)])
    case array([JSON])
    case string(String)
    case number(Double, String)
    case bool(Bool)
    case null

    static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x, _), .number(let y, _)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    subscript(key: String) -> JSON? {
        if case .object(let fields) = self { return fields.last { $0.0 == key }?.1 }
        return nil
    }

    /// As an extracted value: scalars as they are, objects and arrays as compact JSON.
    var extracted: ExtractedValue {
        switch self {
        case .string(let s): return .string(s)
        case .number(let d, _): return .number(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        default: return .json(compact)
        }
    }

    /// Compact JSON text, with `<`, `>`, `&` escaped as Go's encoder does.
    var compact: String {
        var out: [UInt8] = []
        write(&out)
        return String(decoding: out, as: UTF8.self)
    }

    func write(_ out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(_, let raw): out += Array(raw.utf8)
        case .string(let s): JSON.writeString(s, &out)
        case .array(let a):
            out.append(91)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(44) }
                v.write(&out)
            }
            out.append(93)
        case .object(let fields):
            out.append(123)
            for (i, (k, v)) in fields.enumerated() {
                if i > 0 { out.append(44) }
                JSON.writeString(k, &out)
                out.append(58)
                v.write(&out)
            }
            out.append(125)
        }
    }

    static func writeString(_ s: String, _ out: inout [UInt8]) { appendJSONString(s, to: &out, escapeHTML: true) }

    /// Parses a whole document; nil when it is not valid JSON.
    static func parse(_ b: UnsafeRawBufferPointer) -> JSON? {
        var i = 0
        func ws() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }
        func value(_ depth: Int) -> JSON? {
            guard depth < 256 else { return nil }
            ws()
            guard i < b.count else { return nil }
            switch b[i] {
            case 123:
                i += 1
                var fields: [(String, JSON)] = []
                ws()
                if i < b.count, b[i] == 125 { i += 1; return .object(fields) }
                while true {
                    ws()
                    guard i < b.count, b[i] == 34, let k = string() else { return nil }
                    ws()
                    guard i < b.count, b[i] == 58 else { return nil }
                    i += 1
                    guard let v = value(depth + 1) else { return nil }
                    fields.append((k, v))
                    ws()
                    guard i < b.count else { return nil }
                    if b[i] == 44 { i += 1; continue }
                    if b[i] == 125 { i += 1; return .object(fields) }
                    return nil
                }
            case 91:
                i += 1
                var items: [JSON] = []
                ws()
                if i < b.count, b[i] == 93 { i += 1; return .array(items) }
                while true {
                    guard let v = value(depth + 1) else { return nil }
                    items.append(v)
                    ws()
                    guard i < b.count else { return nil }
                    if b[i] == 44 { i += 1; continue }
                    if b[i] == 93 { i += 1; return .array(items) }
                    return nil
                }
            case 34:
                return string().map { .string($0) }
            case 116: return literal("true") ? .bool(true) : nil
            case 102: return literal("false") ? .bool(false) : nil
            case 110: return literal("null") ? .null : nil
            default:
                let start = i
                if i < b.count, b[i] == 45 { i += 1 }
                while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == 46 || b[i] == 101 || b[i] == 69 || b[i] == 43 || b[i] == 45 { i += 1 }
                let raw = String(decoding: b[start..<i], as: UTF8.self)
                guard i > start, let d = Double(raw) else { return nil }
                return .number(d, raw)
            }
        }
        func literal(_ w: String) -> Bool {
            let u = Array(w.utf8)
            guard i + u.count <= b.count else { return false }
            for k in 0..<u.count where b[i + k] != u[k] { return false }
            i += u.count
            return true
        }
        func string() -> String? {
            i += 1
            var out: [UInt8] = []
            while i < b.count {
                let c = b[i]
                if c == 34 { i += 1; return String(decoding: out, as: UTF8.self) }
                if c < 32 { return nil }
                if c != 92 { out.append(c); i += 1; continue }
                i += 1
                guard i < b.count else { return nil }
                let e = b[i]
                i += 1
                switch e {
                case 34, 92, 47: out.append(e)
                case 98: out.append(8)
                case 102: out.append(12)
                case 110: out.append(10)
                case 114: out.append(13)
                case 116: out.append(9)
                case 117:
                    guard var v = hex4() else { return nil }
                    if v >= 0xD800 && v < 0xDC00, i + 6 <= b.count, b[i] == 92, b[i + 1] == 117 {
                        i += 2
                        guard let lo = hex4() else { return nil }
                        v = 0x10000 + ((v - 0xD800) << 10) + (lo &- 0xDC00)
                    }
                    out += Array(String(Unicode.Scalar(v).map { Character($0) } ?? "\u{FFFD}").utf8)
                default: return nil
                }
            }
            return nil
        }
        func hex4() -> UInt32? {
            guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<i + 4], as: UTF8.self), radix: 16) else { return nil }
            i += 4
            return v
        }
        guard let v = value(0) else { return nil }
        ws()
        return i == b.count ? v : nil
    }

    static func parse(_ s: String) -> JSON? {
        var t = s
        return t.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}

/// The JMESPath subset Alloy's documentation uses in `stage.json`: field names (quoted when they contain other
/// characters: `"user-id"`), dotted paths, `[n]` indexes (negative from the end), `[*]` and `.*` projections.
struct JMESPath {
    enum Step {
        case field(String)
        case index(Int)
        case project      // [*] or .*
    }
    let steps: [Step]

    struct ParseError: Error { var message: String }

    init(_ expression: String) throws {
        var steps: [Step] = []
        let b = Array(expression.utf8)
        var i = 0
        func identifier() throws -> String {
            if i < b.count, b[i] == 34 {
                var j = i + 1
                var out: [UInt8] = []
                while j < b.count, b[j] != 34 {
                    if b[j] == 92, j + 1 < b.count { j += 1 }
                    out.append(b[j])
                    j += 1
                }
                guard j < b.count else { throw ParseError(message: "unterminated quoted identifier") }
                i = j + 1
                return String(decoding: out, as: UTF8.self)
            }
            let start = i
            while i < b.count, (b[i] >= 48 && b[i] <= 57) || (b[i] >= 65 && b[i] <= 90) || (b[i] >= 97 && b[i] <= 122) || b[i] == 95 { i += 1 }
            guard i > start, !(b[start] >= 48 && b[start] <= 57) else {
                throw ParseError(message: "unexpected character at \(start) in \"\(expression)\"")
            }
            return String(decoding: b[start..<i], as: UTF8.self)
        }
        if i < b.count && b[i] != 91 { steps.append(.field(try identifier())) }
        while i < b.count {
            if b[i] == 46 {
                i += 1
                if i < b.count, b[i] == 42 { i += 1; steps.append(.project); continue }
                steps.append(.field(try identifier()))
            } else if b[i] == 91 {
                guard let close = b[i...].firstIndex(of: 93) else { throw ParseError(message: "unterminated [ in \"\(expression)\"") }
                let inner = String(decoding: b[(i + 1)..<close], as: UTF8.self)
                if inner == "*" { steps.append(.project) } else if let n = Int(inner) { steps.append(.index(n)) } else {
                    throw ParseError(message: "unsupported index [\(inner)] in \"\(expression)\"")
                }
                i = close + 1
            } else {
                throw ParseError(message: "unsupported expression \"\(expression)\" (Tributary supports field paths, [n], [*] and .*)")
            }
        }
        self.steps = steps
    }

    func evaluate(_ doc: JSON) -> JSON? { JMESPath.eval(doc, steps[...]) }

    private static func eval(_ v: JSON, _ steps: ArraySlice<Step>) -> JSON? {
        guard let step = steps.first else { return v }
        let rest = steps.dropFirst()
        switch step {
        case .field(let name):
            guard let next = v[name] else { return nil }
            return eval(next, rest)
        case .index(let n):
            guard case .array(let a) = v else { return nil }
            let idx = n < 0 ? a.count + n : n
            guard idx >= 0, idx < a.count else { return nil }
            return eval(a[idx], rest)
        case .project:
            let items: [JSON]
            switch v {
            case .array(let a): items = a
            case .object(let f): items = f.map(\.1)
            default: return nil
            }
            return .array(items.compactMap { eval($0, rest) }.filter { $0 != .null })
        }
    }
}
