import Codecs

// The Alloy scanner. Lexical grammar (see alloy-syntax.md §1):
//
//   comment    = "//" { any but LF } | "/*" { any } "*/"
//   IDENT      = letter { letter | digit }            letter = a-z A-Z _ or a Unicode letter
//   NUMBER     = digits                                FLOAT = digits "." [digits] [exp] | "." digits [exp] | digits exp
//   STRING     = `"` { char | escape } `"` | "`" { any but "`" } "`"
//   operators  = || && ! = == != < <= > >= + - * / % ^ { } ( ) [ ] , .
//
// A TERMINATOR is produced for a line feed (or EOF) that follows an identifier, literal, `)`, `]` or `}`.

/// Turns the bytes of a configuration file into tokens, reporting lexical errors through `onError`.
public struct Scanner {
    public typealias ErrorHandler = (_ offset: Int, _ message: String) -> Void

    private let src: [UInt8]
    private var ch: Int32 = -1        // current character (Unicode scalar), -1 at EOF
    private var offset = 0            // offset of `ch`
    private var readOffset = 0        // offset after `ch`
    private var insertTerm = false
    private let onError: ErrorHandler

    public init(_ src: [UInt8], onError: @escaping ErrorHandler) {
        self.src = src
        self.onError = onError
        next()
        if ch == 0xFEFF { next() }    // a byte-order mark at the very start is skipped
    }

    // MARK: characters

    private mutating func next() {
        guard readOffset < src.count else {
            offset = src.count
            ch = -1
            return
        }
        offset = readOffset
        let b = src[readOffset]
        if b < 0x80 {
            ch = Int32(b)
            readOffset += 1
            if b == 0 { onError(offset, "illegal character NUL") }
            return
        }
        let (scalar, width) = UTF8Bytes.decode(src, at: readOffset)
        readOffset += width
        if let scalar {
            ch = Int32(scalar)
            if scalar == 0xFEFF && offset > 0 { onError(offset, "illegal byte order mark") }
        } else {
            ch = 0xFFFD
            onError(offset, "illegal UTF-8 encoding")
        }
    }

    private func peek() -> UInt8 { readOffset < src.count ? src[readOffset] : 0 }

    static func isLetter(_ c: Int32) -> Bool {
        if c < 0 { return false }
        if (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 { return true }
        guard c >= 0x80, let s = Unicode.Scalar(UInt32(c)) else { return false }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isDigit(_ c: Int32) -> Bool {
        if c >= 48 && c <= 57 { return true }
        guard c >= 0x80, let s = Unicode.Scalar(UInt32(c)) else { return false }
        return s.properties.generalCategory == .decimalNumber
    }

    private static func isDecimal(_ c: Int32) -> Bool { c >= 48 && c <= 57 }

    private static func digitVal(_ c: Int32) -> Int {
        switch c {
        case 48...57: return Int(c - 48)
        case 97...102: return Int(c - 97 + 10)
        case 65...70: return Int(c - 65 + 10)
        default: return 16
        }
    }

    private func text(_ from: Int, _ to: Int) -> String { String(decoding: src[from..<to], as: UTF8.self) }

    // MARK: tokens

    private mutating func skipWhitespace() {
        while ch == 32 || ch == 9 || (ch == 10 && !insertTerm) || ch == 13 { next() }
    }

    /// Scans the next token.
    public mutating func scan() -> Token {
        while true {
            skipWhitespace()
            let pos = offset
            var newInsert = false
            var kind: TokenKind
            var lit = ""
            let c = ch
            if Scanner.isLetter(c) {
                let start = offset
                while Scanner.isLetter(ch) || Scanner.isDigit(ch) { next() }
                lit = text(start, offset)
                switch lit {
                case "true", "false": kind = .bool
                case "null": kind = .null
                default: kind = .ident
                }
                newInsert = true
            } else if Scanner.isDecimal(c) || (c == 46 && Scanner.isDecimal(Int32(peek()))) {
                newInsert = true
                (kind, lit) = scanNumber()
            } else {
                next()
                switch c {
                case -1:
                    if insertTerm {
                        insertTerm = false
                        return Token(kind: .terminator, offset: pos, text: "\n")
                    }
                    kind = .eof
                case 10:
                    insertTerm = false
                    return Token(kind: .terminator, offset: pos, text: "\n")
                case 34:
                    newInsert = true
                    kind = .string
                    lit = scanString(until: 34)
                case 96:
                    newInsert = true
                    kind = .string
                    lit = scanRawString()
                case 39:
                    newInsert = true
                    onError(pos, "illegal single-quoted string; use double quotes")
                    kind = .illegal
                    lit = scanString(until: 39)
                case 124:
                    if ch != 124 { onError(offset, "missing second | in ||") } else { next() }
                    kind = .or
                case 38:
                    if ch != 38 { onError(offset, "missing second & in &&") } else { next() }
                    kind = .and
                case 33: kind = switch2(.not, .neq)
                case 61: kind = switch2(.assign, .eq)
                case 60: kind = switch2(.lt, .lte)
                case 62: kind = switch2(.gt, .gte)
                case 43: kind = .add
                case 45: kind = .sub
                case 42: kind = .mul
                case 47:
                    if ch == 47 || ch == 42 {
                        if insertTerm && findLineEnd() {
                            // Rewind to the comment: the TERMINATOR comes first.
                            offset = pos
                            readOffset = pos
                            next()
                            insertTerm = false
                            return Token(kind: .terminator, offset: pos, text: "\n")
                        }
                        let comment = scanComment(start: pos)
                        insertTerm = false
                        return Token(kind: .comment, offset: pos, text: comment)
                    }
                    kind = .div
                case 37: kind = .mod
                case 94: kind = .pow
                case 123: kind = .lcurly
                case 125: kind = .rcurly; newInsert = true
                case 40: kind = .lparen
                case 41: kind = .rparen; newInsert = true
                case 91: kind = .lbrack
                case 93: kind = .rbrack; newInsert = true
                case 44: kind = .comma
                case 46: kind = .dot
                default:
                    if c != 0xFEFF {
                        onError(pos, "illegal character \(Scanner.goRuneForm(c))")
                    }
                    newInsert = insertTerm
                    kind = .illegal
                    lit = text(pos, offset)
                }
            }
            insertTerm = newInsert
            return Token(kind: kind, offset: pos, text: lit)
        }
    }

    /// Go's `%#U` form of a character: `U+0040 '@'`.
    static func goRuneForm(_ c: Int32) -> String {
        var hex = String(UInt32(max(c, 0)), radix: 16, uppercase: true)
        while hex.count < 4 { hex = "0" + hex }
        if let s = Unicode.Scalar(UInt32(max(c, 0))), GoQuote.isPrintable(s) {
            return "U+\(hex) '\(Character(s))'"
        }
        return "U+\(hex)"
    }

    private mutating func switch2(_ a: TokenKind, _ b: TokenKind) -> TokenKind {
        if ch == 61 { next(); return b }
        return a
    }

    private mutating func digits() -> Int {
        var n = 0
        while Scanner.isDecimal(ch) { next(); n += 1 }
        return n
    }

    private mutating func scanNumber() -> (TokenKind, String) {
        let start = offset
        var kind = TokenKind.number
        if ch != 46 { _ = digits() }
        if ch == 46 {
            kind = .float
            next()
            _ = digits()
        }
        if ch == 101 || ch == 69 {
            kind = .float
            next()
            if ch == 45 || ch == 43 { next() }
            if digits() == 0 { onError(start, "exponent has no digits") }
        }
        return (kind, text(start, offset))
    }

    private mutating func scanString(until: Int32) -> String {
        let start = offset - 1
        while true {
            let c = ch
            if c == 10 || c < 0 {
                onError(start, "string literal not terminated")
                break
            }
            next()
            if c == until { break }
            if c == 92 { _ = scanEscape(quote: until) }
        }
        return text(start, offset)
    }

    private mutating func scanEscape(quote: Int32) -> Bool {
        let start = offset
        var n = 0
        var base = 0
        var maxValue = 0
        switch ch {
        case 97, 98, 102, 110, 114, 116, 118, 92, quote:
            next()
            return true
        case 48...55:
            (n, base, maxValue) = (3, 8, 255)
        case 120:
            next(); (n, base, maxValue) = (2, 16, 255)
        case 117:
            next(); (n, base, maxValue) = (4, 16, 0x10FFFF)
        case 85:
            next(); (n, base, maxValue) = (8, 16, 0x10FFFF)
        default:
            onError(start, ch < 0 ? "escape sequence not terminated" : "unknown escape sequence")
            return false
        }
        var x = 0
        while n > 0 {
            let d = Scanner.digitVal(ch)
            if d >= base {
                onError(offset, ch < 0 ? "escape sequence not terminated"
                    : "illegal character \(Scanner.goRuneForm(ch)) in escape sequence")
                return false
            }
            x = x * base + d
            next()
            n -= 1
        }
        if x > maxValue || (0xD800..<0xE000).contains(x) {
            onError(start, "escape sequence is invalid Unicode code point")
            return false
        }
        return true
    }

    private mutating func scanRawString() -> String {
        let start = offset - 1
        while true {
            let c = ch
            if c < 0 {
                onError(start, "raw string literal not terminated")
                break
            }
            next()
            if c == 96 { break }
        }
        return text(start, offset)
    }

    private mutating func scanComment(start: Int) -> String {
        // The first '/' is consumed; ch is '/' or '*'.
        if ch == 47 {
            next()
            while ch != 10 && ch >= 0 { next() }
        } else {
            next()
            var closed = false
            while ch >= 0 {
                let c = ch
                next()
                if c == 42 && ch == 47 {
                    next()
                    closed = true
                    break
                }
            }
            if !closed { onError(start, "block comment not terminated") }
        }
        var bytes = Array(src[start..<offset])
        bytes.removeAll { $0 == 13 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the comment(s) starting here reach the end of the line. Restores the scanner's state.
    private mutating func findLineEnd() -> Bool {
        let saved = (ch, offset, readOffset)
        defer { (ch, offset, readOffset) = saved }
        // ch is the character after the first '/'.
        while ch == 47 || ch == 42 {
            if ch == 47 { return true }
            next()
            while ch >= 0 {
                let c = ch
                if c == 10 { return true }
                next()
                if c == 42 && ch == 47 {
                    next()
                    break
                }
            }
            skipWhitespace()
            if ch < 0 || ch == 10 { return true }
            if ch != 47 { return false }
            next()
        }
        return false
    }
}
