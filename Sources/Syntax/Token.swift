/// The kinds of token produced by the ``Scanner``.
public enum TokenKind: UInt8, Sendable {
    case illegal, eof, comment
    case ident, number, float, string, bool, null
    case terminator
    case or, and, not, assign
    case eq, neq, lt, lte, gt, gte
    case add, sub, mul, div, mod, pow
    case lcurly, rcurly, lparen, rparen, lbrack, rbrack, comma, dot

    /// The name used in parser messages: a class name (`IDENT`) or the token's spelling (`]`).
    public var name: String {
        switch self {
        case .illegal: return "ILLEGAL"
        case .eof: return "EOF"
        case .comment: return "COMMENT"
        case .ident: return "IDENT"
        case .number: return "NUMBER"
        case .float: return "FLOAT"
        case .string: return "STRING"
        case .bool: return "BOOL"
        case .null: return "NULL"
        case .terminator: return "TERMINATOR"
        default: return spelling
        }
    }

    /// How an operator or punctuation token is written.
    public var spelling: String {
        switch self {
        case .or: return "||"
        case .and: return "&&"
        case .not: return "!"
        case .assign: return "="
        case .eq: return "=="
        case .neq: return "!="
        case .lt: return "<"
        case .lte: return "<="
        case .gt: return ">"
        case .gte: return ">="
        case .add: return "+"
        case .sub: return "-"
        case .mul: return "*"
        case .div: return "/"
        case .mod: return "%"
        case .pow: return "^"
        case .lcurly: return "{"
        case .rcurly: return "}"
        case .lparen: return "("
        case .rparen: return ")"
        case .lbrack: return "["
        case .rbrack: return "]"
        case .comma: return ","
        case .dot: return "."
        default: return name
        }
    }

    /// Binary operator precedence (higher binds tighter); 0 for tokens that are not binary operators.
    public var binaryPrecedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .eq, .neq, .lt, .lte, .gt, .gte: return 3
        case .add, .sub: return 4
        case .mul, .div, .mod: return 5
        case .pow: return 6
        default: return 0
        }
    }
}

/// One scanned token: its kind, the offset of its first byte and its literal text.
public struct Token: Sendable {
    public var kind: TokenKind
    public var offset: Int
    public var text: String
}
