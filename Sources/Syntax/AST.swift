/// A parsed configuration file: its statements and every comment, in groups, for the formatter.
public struct File: Sendable {
    public var source: SourceFile
    public var body: [Statement]
    public var comments: [CommentGroup]
}

/// One `//` or `/* */` comment: where it starts and its text (CRs removed).
public struct Comment: Sendable {
    public var offset: Int
    public var text: String
}

/// Comments that follow each other on the same or the next line.
public typealias CommentGroup = [Comment]

/// A statement of a body: an attribute (`name = expr`) or a block (`a.b "label" { … }`).
public enum Statement: Sendable {
    case attribute(Attribute)
    case block(Block)

    public var start: Int {
        switch self {
        case .attribute(let a): return a.nameOffset
        case .block(let b): return b.nameOffset
        }
    }

    public var end: Int {
        switch self {
        case .attribute(let a): return a.value.end
        case .block(let b): return b.rcurly
        }
    }
}

/// `name = value`.
public struct Attribute: Sendable {
    public var name: String
    public var nameOffset: Int
    public var value: Expr
}

/// `name.parts "label" { body }`.
public struct Block: Sendable {
    public var name: [String]
    public var nameOffset: Int
    /// The label without quotes; empty when there is none.
    public var label: String
    public var labelOffset: Int
    public var lcurly: Int
    public var body: [Statement]
    public var rcurly: Int

    /// The dotted name, e.g. `loki.source.file`.
    public var fullName: String { name.joined(separator: ".") }
}

/// A literal's token kind and source text (strings keep their quotes and escapes).
public struct Literal: Sendable {
    public var kind: TokenKind
    public var text: String
    public var offset: Int
}

/// A field of an object literal.
public struct ObjectField: Sendable {
    /// The key: an identifier, or the raw text between the quotes of a quoted key.
    public var name: String
    public var nameOffset: Int
    public var quoted: Bool
    public var value: Expr
}

/// An expression with the byte offsets the formatter and the diagnostics need.
public indirect enum Expr: Sendable {
    case literal(Literal)
    case identifier(name: String, offset: Int)
    case access(value: Expr, name: String, nameOffset: Int)
    case index(value: Expr, lbrack: Int, index: Expr, rbrack: Int)
    case call(value: Expr, lparen: Int, args: [Expr], rparen: Int)
    case array(lbrack: Int, elements: [Expr], rbrack: Int)
    case object(lcurly: Int, fields: [ObjectField], rcurly: Int)
    case unary(op: TokenKind, opOffset: Int, value: Expr)
    case binary(op: TokenKind, opOffset: Int, left: Expr, right: Expr)
    case paren(lparen: Int, inner: Expr, rparen: Int)
    case bad(start: Int, end: Int)

    /// Offset of the first byte.
    public var start: Int {
        switch self {
        case .literal(let l): return l.offset
        case .identifier(_, let o): return o
        case .access(let v, _, _), .index(let v, _, _, _), .call(let v, _, _, _): return v.start
        case .array(let l, _, _), .object(let l, _, _), .paren(let l, _, _): return l
        case .unary(_, let o, _): return o
        case .binary(_, _, let l, _): return l.start
        case .bad(let s, _): return s
        }
    }

    /// Offset of the last byte.
    public var end: Int {
        switch self {
        case .literal(let l): return l.offset + l.text.utf8.count - 1
        case .identifier(let n, let o): return o + n.utf8.count - 1
        case .access(_, let n, let o): return o + n.utf8.count - 1
        case .index(_, _, _, let r), .call(_, _, _, let r), .array(_, _, let r), .object(_, _, let r), .paren(_, _, let r):
            return r
        case .unary(_, _, let v): return v.end
        case .binary(_, _, _, let r): return r.end
        case .bad(_, let e): return e
        }
    }

    /// The dotted name of an identifier followed by field accesses (`a.b.c`), or nil.
    public var traversal: [String]? {
        switch self {
        case .identifier(let n, _): return [n]
        case .access(let v, let n, _):
            guard var t = v.traversal else { return nil }
            t.append(n)
            return t
        default: return nil
        }
    }
}
