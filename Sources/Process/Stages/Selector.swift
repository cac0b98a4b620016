import LogCore
import RE2

/// A LogQL stream selector with line filters, as `stage.match` takes it:
/// `{name="v", other=~"re"} |= "text" != "x" |~ "re" !~ "re"`.
struct Selector {
    enum MatchOp { case eq, neq, re, nre }
    struct Matcher {
        var name: String
        var op: MatchOp
        var value: String
        var regex: RE2?
        func matches(_ labels: LabelSet) -> Bool {
            let v = labels[name] ?? ""
            switch op {
            case .eq: return v == value
            case .neq: return v != value
            case .re: return regex!.fullMatch(v)
            case .nre: return !regex!.fullMatch(v)
            }
        }
    }
    enum Filter {
        case contains([UInt8]), notContains([UInt8]), regex(RE2), notRegex(RE2)
    }

    let matchers: [Matcher]
    let filters: [Filter]

    struct ParseError: Error { var message: String }

    init(_ text: String) throws {
        let b = Array(text.utf8)
        var i = 0
        func ws() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }
        func string() throws -> String {
            ws()
            guard i < b.count, b[i] == 34 || b[i] == 96 else { throw ParseError(message: "expected a quoted string at position \(i) in \(text)") }
            let q = b[i]
            i += 1
            let out = readQuoted(b, &i, quote: q, escapes: q == 34)
            guard i < b.count else { throw ParseError(message: "unterminated string in \(text)") }
            i += 1
            return String(decoding: out, as: UTF8.self)
        }
        ws()
        guard i < b.count, b[i] == 123 else { throw ParseError(message: "selector must start with {: \(text)") }
        i += 1
        var ms: [Matcher] = []
        while true {
            ws()
            if i < b.count, b[i] == 125 { i += 1; break }
            let ns = i
            while i < b.count, (b[i] >= 48 && b[i] <= 57) || (b[i] >= 65 && b[i] <= 90) || (b[i] >= 97 && b[i] <= 122) || b[i] == 95 { i += 1 }
            guard i > ns else { throw ParseError(message: "expected a label name at position \(i) in \(text)") }
            let name = String(decoding: b[ns..<i], as: UTF8.self)
            ws()
            var op: MatchOp
            if i + 1 < b.count, b[i] == 61, b[i + 1] == 126 { op = .re; i += 2 }
            else if i + 1 < b.count, b[i] == 33, b[i + 1] == 126 { op = .nre; i += 2 }
            else if i + 1 < b.count, b[i] == 33, b[i + 1] == 61 { op = .neq; i += 2 }
            else if i < b.count, b[i] == 61 { op = .eq; i += 1 }
            else { throw ParseError(message: "expected =, !=, =~ or !~ after \(name) in \(text)") }
            let value = try string()
            var re: RE2? = nil
            if op == .re || op == .nre { re = try RE2.anchored(value) }
            ms.append(Matcher(name: name, op: op, value: value, regex: re))
            ws()
            if i < b.count, b[i] == 44 { i += 1; continue }
            ws()
            if i < b.count, b[i] == 125 { i += 1; break }
            throw ParseError(message: "expected , or } at position \(i) in \(text)")
        }
        if ms.isEmpty { throw ParseError(message: "selector must contain at least one label matcher: \(text)") }
        var fs: [Filter] = []
        while true {
            ws()
            guard i + 1 < b.count else { break }
            let op = (b[i], b[i + 1])
            i += 2
            let arg = try string()
            switch op {
            case (124, 61): fs.append(.contains(Array(arg.utf8)))
            case (33, 61): fs.append(.notContains(Array(arg.utf8)))
            case (124, 126): fs.append(.regex(try RE2(arg)))
            case (33, 126): fs.append(.notRegex(try RE2(arg)))
            default: throw ParseError(message: "unsupported pipeline expression in \(text): only line filters |= != |~ !~ are allowed")
            }
        }
        ws()
        if i < b.count { throw ParseError(message: "unexpected text at position \(i) in \(text)") }
        matchers = ms
        filters = fs
    }

    func matches(_ e: LogEntry) -> Bool {
        for m in matchers where !m.matches(e.labels) { return false }
        for f in filters {
            let ok: Bool = e.line.withUnsafeBytes { raw in
                switch f {
                case .contains(let s): return contains(raw, s)
                case .notContains(let s): return !contains(raw, s)
                case .regex(let re): return re.matches(raw)
                case .notRegex(let re): return !re.matches(raw)
                }
            }
            if !ok { return false }
        }
        return true
    }

    private func contains(_ hay: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard hay.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= hay.count - needle.count {
            if hay[i] == first {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
