import Codecs
/// Parses Alloy configuration text into a ``File``, collecting every error it can recover from.
public struct Parser {
    private var scanner: Scanner
    private let source: SourceFile
    private var diags = Diagnostics()
    private var tok = Token(kind: .eof, offset: 0, text: "")
    private var comments: [CommentGroup] = []
    private var lastErrorLine = -1
    private let errorBox: ErrorBox
    /// Current nesting of expressions and blocks; bounded so that hostile input cannot exhaust the stack.
    private var depth = 0
    private static let maxDepth = 200
    private static let maxChain = 1000

    private final class ErrorBox { var errors: [(Int, String)] = [] }

    /// Parses `source`; throws ``Diagnostics`` when there is any error (then there is no AST).
    public static func parse(_ source: SourceFile) throws(Diagnostics) -> File {
        var p = Parser(source)
        let body = p.parseBody(until: .eof)
        p.flushScanErrors()
        var all = p.diags
        all.items.sort { $0.start < $1.start }
        if all.hasErrors { throw all }
        return File(source: source, body: body, comments: p.comments)
    }

    private init(_ source: SourceFile) {
        self.source = source
        let box = ErrorBox()
        self.errorBox = box
        self.scanner = Scanner(source.bytes) { offset, message in box.errors.append((offset, message)) }
        next()
    }

    private mutating func flushScanErrors() {
        for (o, m) in errorBox.errors {
            diags.append(Diagnostic(file: source, start: o, message: m))
        }
        errorBox.errors.removeAll()
    }

    // MARK: tokens and comments

    private mutating func next0() { tok = scanner.scan() }

    private mutating func next() {
        next0()
        while tok.kind == .comment { consumeCommentGroup() }
    }

    private mutating func consumeCommentGroup() {
        var group: CommentGroup = []
        var endLine = source.line(of: tok.offset)
        while tok.kind == .comment && source.line(of: tok.offset) <= endLine + 1 {
            endLine = source.line(of: tok.offset)
            if tok.text.utf8.dropFirst().first == UInt8(ascii: "*") {
                endLine += tok.text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            }
            group.append(Comment(offset: tok.offset, text: tok.text))
            next0()
        }
        comments.append(group)
    }

    private mutating func error(_ message: String) {
        let line = source.line(of: tok.offset)
        if line == lastErrorLine { return }
        lastErrorLine = line
        diags.append(Diagnostic(file: source, start: tok.offset, message: message))
    }

    @discardableResult
    private mutating func expect(_ kind: TokenKind) -> Int {
        let at = tok.offset
        if tok.kind != kind { error("expected \(kind.name), got \(tok.kind.name)") }
        next()
        return at
    }

    private mutating func advance(to kinds: Set<TokenKind>) {
        while tok.kind != .eof && !kinds.contains(tok.kind) { next() }
    }

    private static let statementEnd: Set<TokenKind> = [.terminator, .rparen, .rcurly, .rbrack, .comma]

    // MARK: statements

    private mutating func parseBody(until: TokenKind) -> [Statement] {
        var body: [Statement] = []
        while tok.kind != until && tok.kind != .eof {
            if let s = parseStatement() { body.append(s) }
            if tok.kind == until { break }
            if tok.kind != .terminator {
                error("expected \(TokenKind.terminator.name), got \(tok.kind.name)")
                advance(to: [.terminator, until])
                if tok.kind == until { break }
            }
            next()
        }
        return body
    }

    private mutating func parseStatement() -> Statement? {
        guard tok.kind == .ident else {
            error("expected identifier, got \(tok.kind.name)")
            advance(to: [.ident])
            return nil
        }
        let start = tok.offset
        var fragments: [String] = []
        while tok.kind == .ident {
            fragments.append(tok.text)
            next()
            if tok.kind != .dot { break }
            next()
        }
        var label = ""
        var labelOffset = -1
        if tok.kind == .string {
            if tok.text.hasPrefix("`") {
                error("expected block label to be a double quoted string, but got \(GoQuote.quoted(tok.text))")
            } else {
                let t = tok.text
                if t.utf8.count > 2 {
                    label = String(t.dropFirst().dropLast())
                    if !isValidIdentifier(label) {
                        error("expected block label to be a valid identifier, but got \(GoQuote.quoted(label))")
                    }
                }
                labelOffset = tok.offset
            }
            next()
        }
        switch tok.kind {
        case .assign:
            next()
            if fragments.count != 1 {
                let n = fragments.joined(separator: ".")
                diags.append(Diagnostic(file: source, start: start, end: start + n.utf8.count - 1,
                                        message: "attribute names may only consist of a single identifier with no \".\""))
            } else if labelOffset >= 0 {
                diags.append(Diagnostic(file: source, start: labelOffset, end: labelOffset + label.utf8.count + 1,
                                        message: "attribute names may not have labels"))
            }
            let value = parseExpression()
            return .attribute(Attribute(name: fragments.first ?? "", nameOffset: start, value: value))
        case .lcurly:
            let lc = expect(.lcurly)
            depth += 1
            defer { depth -= 1 }
            if depth > Parser.maxDepth {
                error("blocks nested too deeply")
                while tok.kind != .eof { next() }
                return nil
            }
            let body = parseBody(until: .rcurly)
            let rc = expect(.rcurly)
            return .block(Block(name: fragments, nameOffset: start, label: label, labelOffset: labelOffset,
                                lcurly: lc, body: body, rcurly: rc))
        default:
            if fragments.count == 1 && labelOffset < 0 {
                error("expected attribute assignment or block body, got \(tok.kind.name)")
            } else {
                error("expected block body, got \(tok.kind.name)")
            }
            advance(to: [.ident])
            return nil
        }
    }

    // MARK: expressions

    /// Parses one expression.
    private mutating func parseExpression() -> Expr {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxDepth {
            error("expression nested too deeply")
            let e = Expr.bad(start: tok.offset, end: tok.offset)
            while tok.kind != .eof { next() }
            return e
        }
        return parseBinary(1)
    }

    private mutating func parseBinary(_ minPrec: Int) -> Expr {
        var lhs = parsePow()
        var chain = 0
        while true {
            let op = tok.kind, at = tok.offset, prec = op.binaryPrecedence
            if prec < minPrec || prec == 0 || op == .pow { return lhs }
            chain += 1
            if chain > Parser.maxChain {
                error("expression too long")
                while tok.kind != .eof { next() }
                return lhs
            }
            next()
            let rhs = parseBinary(prec + 1)
            lhs = .binary(op: op, opOffset: at, left: lhs, right: rhs)
        }
    }

    private mutating func parsePow() -> Expr {
        let lhs = parseUnary()
        if tok.kind == .pow {
            depth += 1
            defer { depth -= 1 }
            if depth > Parser.maxDepth {
                error("expression nested too deeply")
                while tok.kind != .eof { next() }
                return lhs
            }
            let at = tok.offset
            next()
            return .binary(op: .pow, opOffset: at, left: lhs, right: parsePow())
        }
        return lhs
    }

    private mutating func parseUnary() -> Expr {
        if (tok.kind == .not || tok.kind == .sub) && depth < Parser.maxDepth {
            depth += 1
            defer { depth -= 1 }
            let op = tok.kind, at = tok.offset
            next()
            return .unary(op: op, opOffset: at, value: parseUnary())
        }
        return parsePrimary()
    }

    private mutating func parsePrimary() -> Expr {
        var primary = parseOperand()
        var chain = 0
        while true {
            chain += 1
            if chain > Parser.maxChain {
                error("expression too long")
                while tok.kind != .eof { next() }
                return primary
            }
            switch tok.kind {
            case .dot:
                next()
                let at = tok.offset
                let name = tok.kind == .ident ? tok.text : ""
                expect(.ident)
                primary = .access(value: primary, name: name, nameOffset: at)
            case .lbrack:
                let lb = expect(.lbrack)
                let index = parseExpression()
                let rb = expect(.rbrack)
                primary = .index(value: primary, lbrack: lb, index: index, rbrack: rb)
            case .lparen:
                let lp = expect(.lparen)
                var args: [Expr] = []
                if tok.kind != .rparen { args = parseList(until: .rparen) }
                let rp = expect(.rparen)
                primary = .call(value: primary, lparen: lp, args: args, rparen: rp)
            case .string, .lcurly:
                error("cannot use a block as an expression")
                let s = primary.start
                advance(to: Parser.statementEnd)
                return .bad(start: s, end: tok.offset)
            default:
                return primary
            }
        }
    }

    private mutating func parseList(until: TokenKind) -> [Expr] {
        var items: [Expr] = []
        while tok.kind != until && tok.kind != .eof {
            items.append(parseExpression())
            if tok.kind == until { break }
            if tok.kind != .comma { error("missing ',' in expression list") }
            next()
        }
        return items
    }

    private mutating func parseOperand() -> Expr {
        switch tok.kind {
        case .null, .number, .float, .string, .bool:
            let lit = Literal(kind: tok.kind, text: tok.text, offset: tok.offset)
            next()
            return .literal(lit)
        case .lparen:
            let lp = expect(.lparen)
            let inner = parseExpression()
            let rp = expect(.rparen)
            return .paren(lparen: lp, inner: inner, rparen: rp)
        case .ident:
            let e = Expr.identifier(name: tok.text, offset: tok.offset)
            next()
            return e
        case .lbrack:
            let lb = expect(.lbrack)
            var items: [Expr] = []
            if tok.kind != .rbrack { items = parseList(until: .rbrack) }
            let rb = expect(.rbrack)
            return .array(lbrack: lb, elements: items, rbrack: rb)
        case .lcurly:
            let lc = expect(.lcurly)
            var fields: [ObjectField] = []
            while tok.kind != .rcurly && tok.kind != .eof {
                if let f = parseField() { fields.append(f) }
                if tok.kind == .rcurly { break }
                if tok.kind != .comma { error("missing ',' in field list") }
                next()
            }
            let rc = expect(.rcurly)
            return .object(lcurly: lc, fields: fields, rcurly: rc)
        default:
            error("expected expression, got \(tok.kind.name)")
            let e = Expr.bad(start: tok.offset, end: tok.offset)
            advance(to: Parser.statementEnd)
            return e
        }
    }

    private mutating func parseField() -> ObjectField? {
        let at = tok.offset
        var name: String
        var quoted = false
        if tok.kind == .string {
            name = tok.text
            if name.utf8.count > 2 {
                name = String(name.dropFirst().dropLast())
                quoted = true
            }
            next()
        } else if tok.kind == .ident {
            name = tok.text
            next()
        } else {
            error("expected field name (string or identifier), got \(tok.kind.name)")
            advance(to: [.comma, .rcurly])
            return nil
        }
        expect(.assign)
        return ObjectField(name: name, nameOffset: at, quoted: quoted, value: parseExpression())
    }
}

/// Whether `s` is a valid Alloy identifier.
public func isValidIdentifier(_ s: String) -> Bool {
    var first = true
    for u in s.unicodeScalars {
        let c = Int32(u.value)
        if first {
            if !Scanner.isLetter(c) { return false }
            first = false
        } else if !(Scanner.isLetter(c) || Scanner.isDigit(c)) {
            return false
        }
    }
    return !first
}
