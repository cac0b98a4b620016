import Codecs
/// A value inside a Go template.
enum TValue: Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([TValue])
    case map([String: TValue])
    case missing     // a map key that is not there: prints "<no value>"
    case null

    var truthy: Bool {
        switch self {
        case .string(let s): return !s.isEmpty
        case .number(let d): return d != 0
        case .bool(let b): return b
        case .list(let l): return !l.isEmpty
        case .map(let m): return !m.isEmpty
        case .missing, .null: return false
        }
    }

    /// How `{{ . }}` prints a value (Go's fmt `%v`).
    var text: String {
        switch self {
        case .string(let s): return s
        case .number(let d): return GoFloat.formatPlain(d)
        case .bool(let b): return b ? "true" : "false"
        case .list(let l): return "[" + l.map(\.text).joined(separator: " ") + "]"
        case .map(let m): return "map[" + m.keys.sorted().map { "\($0):\(m[$0]!.text)" }.joined(separator: " ") + "]"
        case .missing: return "<no value>"
        case .null: return "<nil>"
        }
    }

    var string: String {
        if case .missing = self { return "" }
        if case .null = self { return "" }
        return text
    }
}

/// A template error; the stage leaves the entry unchanged.
struct TemplateError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Go's `text/template`: text, `{{ pipeline }}` actions with `{{-`/`-}}` trimming, field access on the data
/// (`.Value`, `.a.b`), variables (`$x := …`, `$`), function calls and pipes, parentheses, string/number/bool
/// literals, and `if`/`else if`/`else`, `range`, `with`. Functions come from ``TemplateFunctions``.
final class GoTemplate: @unchecked Sendable {
    indirect enum Node {
        case text(String)
        case action(Pipeline)
        case ifNode(Pipeline, [Node], [Node])
        case range(Pipeline, [Node], [Node])
        case with(Pipeline, [Node], [Node])
    }
    struct Pipeline {
        var declare: String?
        var commands: [[Operand]]
    }
    indirect enum Operand {
        case field([String])              // .a.b ; [] is "."
        case variable(String, [String])   // $x.a
        case literal(TValue)
        case function(String)
        case paren(Pipeline)
    }

    let root: [Node]

    init(_ source: String) throws {
        var tokens = try GoTemplate.split(source)
        var i = 0
        root = try GoTemplate.parseList(&tokens, &i, endAt: [])
        if i < tokens.count { throw TemplateError(message: "unexpected {{\(tokens[i].action ?? "")}}") }
    }

    // MARK: lexing

    private struct Piece {
        var text: String?
        var action: String?
    }

    private static func split(_ s: String) throws -> [Piece] {
        let b = Array(s.utf8)
        var out: [Piece] = []
        var i = 0
        var text: [UInt8] = []
        while i < b.count {
            if b[i] == 123, i + 1 < b.count, b[i + 1] == 123 {
                var start = i + 2
                if start < b.count, b[start] == 45, start + 1 < b.count, b[start + 1] == 32 || b[start + 1] == 9 || b[start + 1] == 10 {
                    while let l = text.last, l == 32 || l == 9 || l == 10 || l == 13 { text.removeLast() }
                    start += 1
                }
                if !text.isEmpty { out.append(Piece(text: String(decoding: text, as: UTF8.self))); text = [] }
                var j = start
                var inString: UInt8? = nil
                while j + 1 < b.count {
                    if let q = inString {
                        if b[j] == 92 && q == 34 { j += 2; continue }
                        if b[j] == q { inString = nil }
                    } else if b[j] == 34 || b[j] == 96 {
                        inString = b[j]
                    } else if b[j] == 125 && b[j + 1] == 125 {
                        break
                    }
                    j += 1
                }
                guard j + 1 < b.count else { throw TemplateError(message: "unclosed action") }
                var end = j
                var trimAfter = false
                if end > start, b[end - 1] == 45, end - 2 >= start, b[end - 2] == 32 || b[end - 2] == 9 || b[end - 2] == 10 {
                    end -= 1
                    trimAfter = true
                }
                var body = String(decoding: b[start..<end], as: UTF8.self)
                body = body.trimming(" \t\r\n")
                if !body.hasPrefix("/*") { out.append(Piece(action: body)) }
                i = j + 2
                if trimAfter { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }
                continue
            }
            text.append(b[i])
            i += 1
        }
        if !text.isEmpty { out.append(Piece(text: String(decoding: text, as: UTF8.self))) }
        return out
    }

    // MARK: parsing

    private static func keyword(_ action: String) -> String {
        String(action.prefix { $0 != " " && $0 != "\t" })
    }

    private static func parseList(_ t: inout [Piece], _ i: inout Int, endAt: Set<String>) throws -> [Node] {
        var nodes: [Node] = []
        while i < t.count {
            if let text = t[i].text {
                nodes.append(.text(text))
                i += 1
                continue
            }
            let a = t[i].action!
            let kw = keyword(a)
            if endAt.contains(kw) { return nodes }
            i += 1
            switch kw {
            case "if", "range", "with":
                nodes.append(try parseBlock(kw, String(a.dropFirst(kw.count)), &t, &i))
            case "end", "else":
                throw TemplateError(message: "unexpected {{\(kw)}}")
            default:
                nodes.append(.action(try parsePipeline(a)))
            }
        }
        return nodes
    }

    /// Parses an `if`/`range`/`with` block whose opening action was consumed, through its `{{end}}`.
    /// `{{else if …}}` (and `{{else with …}}`) nest a block that shares the same `{{end}}`.
    private static func parseBlock(_ kw: String, _ pipelineText: String, _ t: inout [Piece], _ i: inout Int) throws -> Node {
        let p = try parsePipeline(pipelineText)
        let body = try parseList(&t, &i, endAt: ["else", "end"])
        guard i < t.count, let closing = t[i].action else { throw TemplateError(message: "missing {{end}}") }
        var elseBody: [Node] = []
        if keyword(closing) == "else" {
            i += 1
            let rest = closing.dropFirst(4).trimming(" \t")
            let nested = keyword(rest)
            if nested == "if" || nested == "with" {
                elseBody = [try parseBlock(nested, String(rest.dropFirst(nested.count)), &t, &i)]
                return make(kw, p, body, elseBody)
            }
            elseBody = try parseList(&t, &i, endAt: ["end"])
        }
        guard i < t.count, keyword(t[i].action ?? "") == "end" else { throw TemplateError(message: "missing {{end}}") }
        i += 1
        return make(kw, p, body, elseBody)
    }

    private static func make(_ kw: String, _ p: Pipeline, _ body: [Node], _ elseBody: [Node]) -> Node {
        switch kw {
        case "if": return .ifNode(p, body, elseBody)
        case "range": return .range(p, body, elseBody)
        default: return .with(p, body, elseBody)
        }
    }

    static func parsePipeline(_ text: String) throws -> Pipeline {
        var lx = Lexer(Array(text.utf8))
        let p = try lx.pipeline(until: nil)
        if lx.i < lx.b.count { throw TemplateError(message: "unexpected text in action: \(text)") }
        return p
    }

    struct Lexer {
        let b: [UInt8]
        var i = 0
        init(_ b: [UInt8]) { self.b = b }

        mutating func ws() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }

        mutating func pipeline(until close: UInt8?) throws -> Pipeline {
            ws()
            var declare: String? = nil
            if i < b.count, b[i] == 36 {
                let save = i
                let name = ident(from: i + 1)
                var j = i + 1 + name.utf8.count
                while j < b.count, b[j] == 32 { j += 1 }
                if j + 1 < b.count, b[j] == 58, b[j + 1] == 61 {
                    declare = name
                    i = j + 2
                } else if j < b.count, b[j] == 61, !(j + 1 < b.count && b[j + 1] == 61) {
                    declare = name
                    i = j + 1
                } else {
                    i = save
                }
            }
            var commands: [[Operand]] = []
            var current: [Operand] = []
            while true {
                ws()
                guard i < b.count else { break }
                if let close, b[i] == close { break }
                if b[i] == 124 {
                    guard !current.isEmpty else { throw TemplateError(message: "missing command before |") }
                    commands.append(current)
                    current = []
                    i += 1
                    continue
                }
                current.append(try operand())
            }
            if !current.isEmpty { commands.append(current) }
            guard !commands.isEmpty else { throw TemplateError(message: "empty pipeline") }
            return Pipeline(declare: declare, commands: commands)
        }

        func ident(from start: Int) -> String {
            var j = start
            while j < b.count, (b[j] >= 48 && b[j] <= 57) || (b[j] >= 65 && b[j] <= 90) || (b[j] >= 97 && b[j] <= 122) || b[j] == 95 || b[j] >= 0x80 { j += 1 }
            return String(decoding: b[start..<j], as: UTF8.self)
        }

        mutating func fields() -> [String] {
            var out: [String] = []
            while i < b.count, b[i] == 46 {
                let name = ident(from: i + 1)
                i += 1 + name.utf8.count
                if name.isEmpty { break }
                out.append(name)
            }
            return out
        }

        mutating func operand() throws -> Operand {
            let c = b[i]
            switch c {
            case 46:
                return .field(fields())
            case 36:
                let name = ident(from: i + 1)
                i += 1 + name.utf8.count
                return .variable(name, fields())
            case 40:
                i += 1
                let p = try pipeline(until: 41)
                guard i < b.count, b[i] == 41 else { throw TemplateError(message: "unclosed (") }
                i += 1
                return .paren(p)
            case 34:
                i += 1
                let out = readQuoted(b, &i, quote: 34)
                guard i < b.count else { throw TemplateError(message: "unterminated string") }
                i += 1
                return .literal(.string(String(decoding: out, as: UTF8.self)))
            case 96:
                guard let end = b[(i + 1)...].firstIndex(of: 96) else { throw TemplateError(message: "unterminated raw string") }
                let s = String(decoding: b[(i + 1)..<end], as: UTF8.self)
                i = end + 1
                return .literal(.string(s))
            case 45, 43, 48...57:
                let start = i
                i += 1
                while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == 46 || b[i] == 101 || b[i] == 69 || b[i] == 120 { i += 1 }
                let text = String(decoding: b[start..<i], as: UTF8.self)
                guard let d = Double(text) else { throw TemplateError(message: "bad number \(text)") }
                return .literal(.number(d))
            default:
                let name = ident(from: i)
                guard !name.isEmpty else { throw TemplateError(message: "unexpected character in action") }
                i += name.utf8.count
                switch name {
                case "true": return .literal(.bool(true))
                case "false": return .literal(.bool(false))
                case "nil": return .literal(.null)
                default:
                    guard TemplateFunctions.table[name] != nil else { throw TemplateError(message: "function \"\(name)\" not defined") }
                    return .function(name)
                }
            }
        }
    }

    // MARK: execution

    func execute(_ data: TValue) throws -> String {
        var out = ""
        var vars: [String: TValue] = ["": data]
        try run(root, dot: data, vars: &vars, out: &out)
        return out
    }

    private func run(_ nodes: [Node], dot: TValue, vars: inout [String: TValue], out: inout String) throws {
        for n in nodes {
            switch n {
            case .text(let t): out += t
            case .action(let p):
                let v = try eval(p, dot: dot, vars: &vars)
                if p.declare == nil { out += v.text }
            case .ifNode(let p, let body, let elseBody):
                try run(try eval(p, dot: dot, vars: &vars).truthy ? body : elseBody, dot: dot, vars: &vars, out: &out)
            case .with(let p, let body, let elseBody):
                let v = try eval(p, dot: dot, vars: &vars)
                try run(v.truthy ? body : elseBody, dot: v.truthy ? v : dot, vars: &vars, out: &out)
            case .range(let p, let body, let elseBody):
                let v = try eval(p, dot: dot, vars: &vars)
                var items: [TValue] = []
                switch v {
                case .list(let l): items = l
                case .map(let m): items = m.keys.sorted().map { m[$0]! }
                case .number(let d): items = (0..<max(0, Int(d))).map { .number(Double($0)) }
                default: break
                }
                if items.isEmpty { try run(elseBody, dot: dot, vars: &vars, out: &out) }
                for item in items { try run(body, dot: item, vars: &vars, out: &out) }
            }
        }
    }

    private func access(_ v: TValue, _ path: [String]) throws -> TValue {
        var cur = v
        for name in path {
            switch cur {
            case .map(let m): cur = m[name] ?? .missing
            case .missing, .null: return .missing
            default: throw TemplateError(message: "can't evaluate field \(name) in type \(cur)")
            }
        }
        return cur
    }

    private func eval(_ p: Pipeline, dot: TValue, vars: inout [String: TValue]) throws -> TValue {
        var value: TValue? = nil
        for cmd in p.commands {
            value = try evalCommand(cmd, dot: dot, vars: &vars, piped: value)
        }
        if let d = p.declare { vars[d] = value! }
        return value!
    }

    private func evalOperand(_ o: Operand, dot: TValue, vars: inout [String: TValue]) throws -> TValue {
        switch o {
        case .field(let path): return try access(dot, path)
        case .variable(let name, let path):
            guard let v = vars[name] else { throw TemplateError(message: "undefined variable $\(name)") }
            return try access(v, path)
        case .literal(let v): return v
        case .paren(let p): return try eval(p, dot: dot, vars: &vars)
        case .function(let name): return try TemplateFunctions.call(name, [])
        }
    }

    private func evalCommand(_ cmd: [Operand], dot: TValue, vars: inout [String: TValue], piped: TValue?) throws -> TValue {
        if case .function(let name) = cmd[0] {
            var args: [TValue] = []
            for o in cmd.dropFirst() { args.append(try evalOperand(o, dot: dot, vars: &vars)) }
            if let piped { args.append(piped) }
            return try TemplateFunctions.call(name, args)
        }
        guard cmd.count == 1, piped == nil else { throw TemplateError(message: "can't give argument to non-function") }
        return try evalOperand(cmd[0], dot: dot, vars: &vars)
    }
}
