import Codecs
/// A JSONPath subset for `json_path`: `$`, `.key`, `..key`, `['key']`, `[n]`, `[*]`, `.*` and filters
/// `[?(@.key == value)]` with `==`, `!=`, `<`, `<=`, `>`, `>=`. The result is always a list.
enum JSONPath {
    static func query(_ doc: Value, _ path: String) throws(ValueError) -> [Value] {
        var p = Array(path.utf8)
        if p.first == UInt8(ascii: "$") { p.removeFirst() }
        var current: [Value] = [doc]
        var i = 0
        func ident() -> String {
            let s = i
            while i < p.count, p[i] != UInt8(ascii: "."), p[i] != UInt8(ascii: "[") { i += 1 }
            return String(decoding: p[s..<i], as: UTF8.self)
        }
        while i < p.count {
            if p[i] == UInt8(ascii: ".") {
                i += 1
                var recursive = false
                if i < p.count, p[i] == UInt8(ascii: ".") { recursive = true; i += 1 }
                if i < p.count, p[i] == UInt8(ascii: "[") { if recursive { current = current.flatMap(descendants) }; continue }
                let name = ident()
                if recursive { current = current.flatMap(descendants) }
                current = current.flatMap { v -> [Value] in child(v, name) }
            } else if p[i] == UInt8(ascii: "[") {
                guard let close = findClose(p, i) else { throw ValueError("json_path: unterminated [ in \(path)") }
                let inner = String(decoding: p[(i + 1)..<close], as: UTF8.self).trimming(" \t")
                i = close + 1
                if inner == "*" {
                    current = current.flatMap { v -> [Value] in child(v, "*") }
                } else if inner.hasPrefix("?(") && inner.hasSuffix(")") {
                    let cond = String(inner.dropFirst(2).dropLast())
                    var filtered: [Value] = []
                    for v in current {
                        for item in elements(v) where try matches(item, cond) { filtered.append(item) }
                    }
                    current = filtered
                } else if inner.hasPrefix("'") || inner.hasPrefix("\"") {
                    let name = String(inner.dropFirst().dropLast())
                    current = current.flatMap { v -> [Value] in child(v, name) }
                } else if let n = Int(inner) {
                    current = current.compactMap { v -> Value? in
                        guard case .array(let a) = v else { return nil }
                        let idx = n < 0 ? a.count + n : n
                        return idx >= 0 && idx < a.count ? a[idx] : nil
                    }
                } else {
                    throw ValueError("json_path: unsupported expression [\(inner)]")
                }
            } else {
                let name = ident()
                current = current.flatMap { v -> [Value] in child(v, name) }
            }
        }
        return current
    }

    private static func findClose(_ p: [UInt8], _ open: Int) -> Int? {
        var depth = 0
        var quote: UInt8? = nil
        for j in open..<p.count {
            let c = p[j]
            if let q = quote { if c == q { quote = nil }; continue }
            if c == 39 || c == 34 { quote = c; continue }
            if c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: "]") { depth -= 1; if depth == 0 { return j } }
        }
        return nil
    }

    private static func elements(_ v: Value) -> [Value] {
        switch v {
        case .array(let a): return a
        case .object(let o): return o.keys.sorted().map { o[$0]! }
        default: return []
        }
    }

    private static func child(_ v: Value, _ name: String) -> [Value] {
        if name == "*" { return elements(v) }
        if case .object(let o) = v, let x = o[name] { return [x] }
        return []
    }

    private static func descendants(_ v: Value) -> [Value] {
        var out = [v]
        for e in elements(v) { out += descendants(e) }
        return out
    }

    private static func matches(_ item: Value, _ cond: String) throws(ValueError) -> Bool {
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            guard let r = cond.firstRange(of: op) else { continue }
            let lhs = String(cond[..<r.lowerBound]).trimming(" \t")
            let rhs = String(cond[r.upperBound...]).trimming(" \t")
            guard lhs.hasPrefix("@") else { throw ValueError("json_path: unsupported filter \(cond)") }
            let found = try query(item, "$" + lhs.dropFirst())
            guard let l = found.first else { return false }
            let value: Value
            if rhs.hasPrefix("'") || rhs.hasPrefix("\"") {
                value = .string(String(rhs.dropFirst().dropLast()))
            } else {
                value = (try? JSONValue.decode(Array(rhs.utf8))) ?? .string(rhs)
            }
            switch op {
            case "==": return l.equals(value)
            case "!=": return !l.equals(value)
            default:
                guard case .number(let a) = l, case .number(let b) = value else { return false }
                let x = a.asDouble, y = b.asDouble
                switch op {
                case "<": return x < y
                case "<=": return x <= y
                case ">": return x > y
                default: return x >= y
                }
            }
        }
        // Existence filter: [?(@.key)]
        let p = cond.trimming(" \t")
        guard p.hasPrefix("@") else { throw ValueError("json_path: unsupported filter \(cond)") }
        return !(try query(item, "$" + p.dropFirst())).isEmpty
    }
}

