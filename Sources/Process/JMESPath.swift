import Codecs

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
