import Codecs

/// A JMESPath syntax error: what is wrong and the byte offset in the expression where it was found.
public struct JMESPathSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "syntax error at offset \(offset): \(message)" }
}

/// The lexical tokens of JMESPath (Community edition: arithmetic operators, `$`, `$name` and `=` included).
enum TokenKind: Equatable, Sendable {
    case star, dot, filter, flatten, lparen, rparen, lbracket, rbracket, lbrace, rbrace
    case or, pipe, and, not, expref, comma, colon, assign
    case plus, minus, multiply, divide, modulo, intDivide
    case lt, lte, gt, gte, eq, ne
    case number(Int)
    case unquotedIdentifier(String)
    case quotedIdentifier(String)
    case literal(JSON)
    case rawString(String)
    case current, root
    case variable(String)
    case eof

    /// How tightly the token binds as an infix operator (the Pratt parser's left binding power).
    var bindingPower: Int {
        switch self {
        case .assign, .pipe: return 1
        case .or: return 2
        case .and: return 3
        case .eq, .lt, .lte, .gt, .gte, .ne: return 5
        case .minus, .plus: return 6
        case .intDivide, .divide, .modulo, .multiply: return 7
        case .flatten: return 9
        case .star: return 20
        case .filter: return 21
        case .dot: return 40
        case .not: return 45
        case .lbrace: return 50
        case .lbracket: return 55
        case .lparen: return 60
        default: return 0
        }
    }
}

/// A token and where it starts.
struct Token: Sendable {
    var kind: TokenKind
    var offset: Int
}

/// Splits an expression into tokens, as go-jmespath's lexer does.
enum Lexer {
    static func tokenize(_ expression: String) throws(JMESPathSyntaxError) -> [Token] {
        let b = Array(expression.utf8)
        var tokens: [Token] = []
        var i = 0
        func isIdentifierStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        func isIdentifierByte(_ c: UInt8) -> Bool { isIdentifierStart(c) || (c >= 48 && c <= 57) }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func peek(_ k: Int = 1) -> UInt8? { i + k < b.count ? b[i + k] : nil }
        func add(_ kind: TokenKind, _ start: Int, width: Int) {
            tokens.append(Token(kind: kind, offset: start))
            i = start + width
        }
        func twoChar(_ second: UInt8, _ matched: TokenKind, else single: TokenKind) {
            if peek() == second { add(matched, i, width: 2) } else { add(single, i, width: 1) }
        }
        while i < b.count {
            let c = b[i]
            let start = i
            switch c {
            case 32, 9, 10, 13: i += 1
            case 46: add(.dot, i, width: 1)
            case 42: add(.star, i, width: 1)
            case 44: add(.comma, i, width: 1)
            case 58: add(.colon, i, width: 1)
            case 123: add(.lbrace, i, width: 1)
            case 125: add(.rbrace, i, width: 1)
            case 93: add(.rbracket, i, width: 1)
            case 40: add(.lparen, i, width: 1)
            case 41: add(.rparen, i, width: 1)
            case 64: add(.current, i, width: 1)
            case 43: add(.plus, i, width: 1)
            case 37: add(.modulo, i, width: 1)
            case 47: twoChar(47, .intDivide, else: .divide)
            case 124: twoChar(124, .or, else: .pipe)
            case 60: twoChar(61, .lte, else: .lt)
            case 62: twoChar(61, .gte, else: .gt)
            case 33: twoChar(61, .ne, else: .not)
            case 61: twoChar(61, .eq, else: .assign)
            case 38: twoChar(38, .and, else: .expref)
            case 91:
                if peek() == 63 { add(.filter, i, width: 2) } else if peek() == 93 { add(.flatten, i, width: 2) } else { add(.lbracket, i, width: 1) }
            case 45 where peek().map(isDigit) != true:
                add(.minus, i, width: 1)
            case 45, 48...57:
                var j = i + 1
                while j < b.count, isDigit(b[j]) { j += 1 }
                guard let n = Int(String(decoding: b[i..<j], as: UTF8.self)) else {
                    throw JMESPathSyntaxError("number out of range", offset: i)
                }
                add(.number(n), i, width: j - i)
            case 36:
                var j = i + 1
                while j < b.count, isIdentifierByte(b[j]) { j += 1 }
                add(j == i + 1 ? .root : .variable(String(decoding: b[i..<j], as: UTF8.self)), i, width: j - i)
            case _ where isIdentifierStart(c):
                var j = i + 1
                while j < b.count, isIdentifierByte(b[j]) { j += 1 }
                add(.unquotedIdentifier(String(decoding: b[i..<j], as: UTF8.self)), i, width: j - i)
            case 34:
                let end = try delimited(b, from: i, by: 34)
                let raw = b[i...end]
                guard let name = JSONString.unquote(String(decoding: raw, as: UTF8.self)) else {
                    throw JMESPathSyntaxError("invalid quoted identifier", offset: start)
                }
                add(.quotedIdentifier(name), i, width: end + 1 - i)
            case 39:
                let end = try delimited(b, from: i, by: 39)
                var text: [UInt8] = []
                var k = i + 1
                while k < end {
                    if b[k] == 92, k + 1 < end, b[k + 1] == 39 || b[k + 1] == 92 { k += 1 }
                    text.append(b[k])
                    k += 1
                }
                add(.rawString(String(decoding: text, as: UTF8.self)), i, width: end + 1 - i)
            case 96:
                let end = try delimited(b, from: i, by: 96)
                var text: [UInt8] = []
                var k = i + 1
                while k < end {
                    if b[k] == 92, k + 1 < end, b[k + 1] == 96 { k += 1 }
                    text.append(b[k])
                    k += 1
                }
                do { add(.literal(try JSON.parse(text)), i, width: end + 1 - i) } catch {
                    throw JMESPathSyntaxError("invalid JSON literal: \(error.message)", offset: start + 1 + error.offset)
                }
            case 0xE2 where peek() == 0x88 && peek(2) == 0x92: add(.minus, i, width: 3)
            case 0xC3 where peek() == 0x97: add(.multiply, i, width: 2)
            case 0xC3 where peek() == 0xB7: add(.divide, i, width: 2)
            default:
                let shown = c < 0x80 ? "'\(String(UnicodeScalar(c)))'" : "byte 0x\(String(c, radix: 16))"
                throw JMESPathSyntaxError("unknown character \(shown)", offset: i)
            }
        }
        tokens.append(Token(kind: .eof, offset: b.count))
        return tokens
    }

    /// The offset of the byte closing a literal that starts at `start` with `delimiter`; a backslash escapes the
    /// byte after it.
    private static func delimited(_ b: [UInt8], from start: Int, by delimiter: UInt8) throws(JMESPathSyntaxError) -> Int {
        var k = start + 1
        while k < b.count {
            if b[k] == 92, k + 1 < b.count { k += 2; continue }
            if b[k] == delimiter { return k }
            k += 1
        }
        throw JMESPathSyntaxError("unclosed delimiter \(String(UnicodeScalar(delimiter)))", offset: b.count)
    }
}
