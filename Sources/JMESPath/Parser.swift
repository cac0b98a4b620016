import Codecs

/// A top-down operator-precedence parser for JMESPath, with go-jmespath's binding powers and node shapes (so that
/// projections stop and continue exactly where Alloy's stop and continue).
struct Parser {
    private var tokens: [Token]
    private var position = 0
    private var depth = 0

    static let maximumDepth = 200

    init(_ expression: String) throws(JMESPathSyntaxError) {
        tokens = try Lexer.tokenize(expression)
    }

    /// Parses the whole expression.
    mutating func parse() throws(JMESPathSyntaxError) -> Node {
        let node = try expression(0)
        guard case .eof = current else { throw error("unexpected token at the end of the expression: \(describe(current))") }
        return node
    }

    private var current: TokenKind { tokens[position].kind }
    private func lookahead(_ n: Int) -> TokenKind { tokens[min(position + n, tokens.count - 1)].kind }
    private mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }
    private func error(_ message: String, at token: Token? = nil) -> JMESPathSyntaxError {
        JMESPathSyntaxError(message, offset: (token ?? tokens[position]).offset)
    }
    private mutating func expect(_ kind: TokenKind, _ what: String) throws(JMESPathSyntaxError) {
        guard current == kind else { throw error("expected \(what), found \(describe(current))") }
        _ = advance()
    }

    private mutating func expression(_ bindingPower: Int) throws(JMESPathSyntaxError) -> Node {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maximumDepth else { throw error("expression nested too deeply") }
        var left = try nud(advance())
        while bindingPower < current.bindingPower {
            left = try led(advance(), left)
        }
        return left
    }

    // MARK: Prefix positions

    private mutating func nud(_ token: Token) throws(JMESPathSyntaxError) -> Node {
        switch token.kind {
        case .variable(let name): return .variable(name)
        case .literal(let value): return .literal(value)
        case .rawString(let s): return .literal(.string(s))
        case .unquotedIdentifier(let name):
            if name == "let", case .variable = current { return try letExpression() }
            return .field(name)
        case .quotedIdentifier(let name):
            if current == .lparen { throw error("a quoted identifier cannot name a function", at: token) }
            return .field(name)
        case .plus: return .unaryPlus(try expression(TokenKind.plus.bindingPower))
        case .minus: return .negate(try expression(TokenKind.minus.bindingPower))
        case .star:
            if current == .rbracket { return .valueProjection(.current, .current) }
            return .valueProjection(.current, try projectionRHS(TokenKind.star.bindingPower))
        case .filter: return try filter(.current)
        case .lbrace: return try multiSelectHash()
        case .flatten: return .projection(.flatten(.current), try projectionRHS(TokenKind.flatten.bindingPower))
        case .lbracket:
            if case .number = current { return try projectIfSlice(.current, try indexExpression()) }
            if current == .colon { return try projectIfSlice(.current, try indexExpression()) }
            if current == .star && lookahead(1) == .rbracket {
                _ = advance(); _ = advance()
                return .projection(.current, try projectionRHS(TokenKind.star.bindingPower))
            }
            return try multiSelectList()
        case .current: return .current
        case .root: return .root
        case .expref: return .expref(try expression(TokenKind.expref.bindingPower))
        case .not: return .not(try expression(TokenKind.not.bindingPower))
        case .lparen:
            let inner = try expression(0)
            try expect(.rparen, ")")
            return inner
        case .eof: throw error("incomplete expression", at: token)
        default: throw error("unexpected token \(describe(token.kind))", at: token)
        }
    }

    // MARK: Infix positions

    private mutating func led(_ token: Token, _ left: Node) throws(JMESPathSyntaxError) -> Node {
        switch token.kind {
        case .dot:
            if current != .star { return .subexpression(left, try dotRHS(TokenKind.dot.bindingPower)) }
            _ = advance()
            return .valueProjection(left, try projectionRHS(TokenKind.dot.bindingPower))
        case .pipe: return .pipe(left, try expression(TokenKind.pipe.bindingPower))
        case .or: return .or(left, try expression(TokenKind.or.bindingPower))
        case .and: return .and(left, try expression(TokenKind.and.bindingPower))
        case .lparen:
            guard case .field(let name) = left else { throw error("invalid node as function name", at: token) }
            var args: [Node] = []
            while current != .rparen {
                args.append(try expression(0))
                if current == .comma {
                    _ = advance()
                    if current == .rparen { throw error("expected an argument after ','") }
                } else if current != .rparen {
                    throw error("expected ',' or ')', found \(describe(current))")
                }
            }
            _ = advance()
            return .function(name, args)
        case .filter: return try filter(left)
        case .flatten: return .projection(.flatten(left), try projectionRHS(TokenKind.flatten.bindingPower))
        case .plus, .minus, .star, .multiply, .divide, .modulo, .intDivide:
            let op: Node.Arithmetic
            switch token.kind {
            case .plus: op = .add
            case .minus: op = .subtract
            case .divide: op = .divide
            case .modulo: op = .modulo
            case .intDivide: op = .intDivide
            default: op = .multiply
            }
            return .arithmetic(op, left, try expression(token.kind.bindingPower))
        case .eq, .ne, .lt, .lte, .gt, .gte:
            let op: Node.Comparison
            switch token.kind {
            case .eq: op = .eq
            case .ne: op = .ne
            case .lt: op = .lt
            case .lte: op = .lte
            case .gt: op = .gt
            default: op = .gte
            }
            return .comparison(op, left, try expression(token.kind.bindingPower))
        case .lbracket:
            if case .number = current { return try projectIfSlice(left, try indexExpression()) }
            if current == .colon { return try projectIfSlice(left, try indexExpression()) }
            try expect(.star, "a number, ':' or '*'")
            try expect(.rbracket, "]")
            return .projection(left, try projectionRHS(TokenKind.star.bindingPower))
        case .assign: throw error("'=' is only allowed in the bindings of a let expression", at: token)
        default: throw error("unexpected token \(describe(token.kind))", at: token)
        }
    }

    // MARK: Pieces

    private mutating func indexExpression() throws(JMESPathSyntaxError) -> Node {
        if current == .colon || lookahead(1) == .colon { return try slice() }
        guard case .number(let n) = advance().kind else { throw error("expected a number") }
        try expect(.rbracket, "]")
        return .index(n)
    }

    private mutating func slice() throws(JMESPathSyntaxError) -> Node {
        var parts: [Int?] = [nil, nil, nil]
        var index = 0
        while current != .rbracket {
            switch current {
            case .colon:
                index += 1
                if index == 3 { throw error("too many colons in slice expression") }
                _ = advance()
            case .number(let n):
                parts[index] = n
                _ = advance()
            default: throw error("expected ':' or a number in a slice, found \(describe(current))")
            }
        }
        _ = advance()
        return .slice(start: parts[0], stop: parts[1], step: parts[2])
    }

    private mutating func projectIfSlice(_ left: Node, _ right: Node) throws(JMESPathSyntaxError) -> Node {
        let indexed = Node.indexExpression(left, right)
        if case .slice = right { return .projection(indexed, try projectionRHS(TokenKind.star.bindingPower)) }
        return indexed
    }

    private mutating func filter(_ left: Node) throws(JMESPathSyntaxError) -> Node {
        let condition = try expression(0)
        try expect(.rbracket, "]")
        let right: Node = current == .flatten ? .current : try projectionRHS(TokenKind.filter.bindingPower)
        return .filterProjection(left, right, condition: condition)
    }

    private mutating func dotRHS(_ bindingPower: Int) throws(JMESPathSyntaxError) -> Node {
        switch current {
        case .quotedIdentifier, .unquotedIdentifier, .star: return try expression(bindingPower)
        case .lbracket:
            _ = advance()
            return try multiSelectList()
        case .lbrace:
            _ = advance()
            return try multiSelectHash()
        default: throw error("expected an identifier, '[' or '{' after '.', found \(describe(current))")
        }
    }

    private mutating func projectionRHS(_ bindingPower: Int) throws(JMESPathSyntaxError) -> Node {
        if current.bindingPower < 10 { return .current }
        switch current {
        case .lbracket, .filter: return try expression(bindingPower)
        case .dot:
            _ = advance()
            return try dotRHS(bindingPower)
        default: throw error("unexpected token \(describe(current)) after a projection")
        }
    }

    private mutating func multiSelectList() throws(JMESPathSyntaxError) -> Node {
        var items: [Node] = []
        while true {
            items.append(try expression(0))
            if current == .rbracket { break }
            try expect(.comma, "',' or ']'")
        }
        _ = advance()
        return .multiSelectList(items)
    }

    private mutating func multiSelectHash() throws(JMESPathSyntaxError) -> Node {
        var pairs: [(String, Node)] = []
        while true {
            let key: String
            switch advance().kind {
            case .unquotedIdentifier(let k), .quotedIdentifier(let k): key = k
            default: throw error("expected an identifier as a key of a multi-select hash", at: tokens[position - 1])
            }
            try expect(.colon, ":")
            pairs.append((key, try expression(0)))
            if current == .rbrace { break }
            try expect(.comma, "',' or '}'")
        }
        _ = advance()
        return .multiSelectHash(pairs)
    }

    private mutating func letExpression() throws(JMESPathSyntaxError) -> Node {
        var bindings: [(String, Node)] = []
        while true {
            guard case .variable(let name) = advance().kind else {
                throw error("expected a variable ($name) in a let binding", at: tokens[position - 1])
            }
            try expect(.assign, "=")
            bindings.append((name, try expression(0)))
            if current == .comma { _ = advance(); continue }
            guard case .unquotedIdentifier("in") = current else { throw error("expected ',' or 'in', found \(describe(current))") }
            _ = advance()
            break
        }
        return .letExpression(bindings, try expression(0))
    }

    private func describe(_ kind: TokenKind) -> String {
        switch kind {
        case .eof: return "the end of the expression"
        case .number(let n): return "number \(n)"
        case .unquotedIdentifier(let s), .quotedIdentifier(let s): return "identifier \"\(s)\""
        case .variable(let s): return "variable \(s)"
        case .literal: return "a literal"
        case .rawString: return "a string"
        default:
            let names: [(TokenKind, String)] = [
                (.star, "*"), (.dot, "."), (.filter, "[?"), (.flatten, "[]"), (.lparen, "("), (.rparen, ")"),
                (.lbracket, "["), (.rbracket, "]"), (.lbrace, "{"), (.rbrace, "}"), (.or, "||"), (.pipe, "|"),
                (.and, "&&"), (.not, "!"), (.expref, "&"), (.comma, ","), (.colon, ":"), (.assign, "="), (.plus, "+"),
                (.minus, "-"), (.multiply, "×"), (.divide, "/"), (.modulo, "%"), (.intDivide, "//"), (.lt, "<"),
                (.lte, "<="), (.gt, ">"), (.gte, ">="), (.eq, "=="), (.ne, "!="), (.current, "@"), (.root, "$"),
            ]
            return "'\(names.first { $0.0 == kind }?.1 ?? "?")'"
        }
    }
}
