/// Why a JSON text could not be read, and where (a byte offset).
public struct JSONError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "\(message) at offset \(offset)" }
}

/// A parsed JSON document. Objects keep their keys in document order (a repeated key: the last one counts when
/// looked up); numbers keep their text, so they are written back exactly as they were read.
public indirect enum JSON: Equatable, Sendable {
    case object([(String, JSON)])
    case array([JSON])
    case string(String)
    case number(Double, String)
    case bool(Bool)
    case null

    /// Documents nested deeper than this are refused (Go's decoder allows 10,000; nothing real comes close).
    public static let maximumDepth = 512

    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.array(let x), .array(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x, _), .number(let y, _)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    /// The value of `key` in an object (the last one when repeated); nil for a missing key or a non-object.
    public subscript(key: String) -> JSON? {
        if case .object(let fields) = self { return fields.last { $0.0 == key }?.1 }
        return nil
    }

    /// Parses a whole document (surrounding whitespace allowed).
    public static func parse(_ b: UnsafeRawBufferPointer) throws(JSONError) -> JSON {
        var reader = Reader(b: b)
        reader.skipSpace()
        let v = try reader.value(depth: 0)
        reader.skipSpace()
        if reader.i != b.count { throw JSONError("invalid character after top-level value", offset: reader.i) }
        return v
    }

    /// Parses a whole document held in a string.
    public static func parse(_ s: String) throws(JSONError) -> JSON {
        var t = s
        return try t.withUTF8 { p in Result { () throws(JSONError) in try parse(UnsafeRawBufferPointer(p)) } }.get()
    }

    /// Parses a whole document held in bytes.
    public static func parse(_ b: [UInt8]) throws(JSONError) -> JSON {
        try b.withUnsafeBytes { p in Result { () throws(JSONError) in try parse(p) } }.get()
    }

    /// Compact JSON text, keys in document order, strings escaped as Go's encoder does.
    public var compact: String {
        var out: [UInt8] = []
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact JSON text.
    public func write(to out: inout [UInt8], style: JSONString.Style = .goHTMLSafe) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(_, let raw): out += Array(raw.utf8)
        case .string(let s): JSONString.append(s, to: &out, style: style)
        case .array(let a):
            out.append(91)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(44) }
                v.write(to: &out, style: style)
            }
            out.append(93)
        case .object(let fields):
            out.append(123)
            for (i, (k, v)) in fields.enumerated() {
                if i > 0 { out.append(44) }
                JSONString.append(k, to: &out, style: style)
                out.append(58)
                v.write(to: &out, style: style)
            }
            out.append(125)
        }
    }
}

/// A recursive-descent reader over the document's bytes.
private struct Reader {
    let b: UnsafeRawBufferPointer
    var i = 0

    init(b: UnsafeRawBufferPointer) { self.b = b }

    mutating func skipSpace() {
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSON {
        guard depth < JSON.maximumDepth else { throw JSONError("exceeded max depth", offset: i) }
        guard i < b.count else { throw JSONError("unexpected end of JSON input", offset: i) }
        switch b[i] {
        case 123:
            i += 1
            var fields: [(String, JSON)] = []
            skipSpace()
            if i < b.count, b[i] == 125 { i += 1; return .object(fields) }
            while true {
                skipSpace()
                guard i < b.count, b[i] == 34 else { throw JSONError("expected string key", offset: i) }
                let k = try JSONString.read(b, at: &i)
                skipSpace()
                guard i < b.count, b[i] == 58 else { throw JSONError("expected ':' after object key", offset: i) }
                i += 1
                skipSpace()
                fields.append((k, try value(depth: depth + 1)))
                skipSpace()
                guard i < b.count else { throw JSONError("unexpected end of JSON input", offset: i) }
                if b[i] == 44 { i += 1; continue }
                if b[i] == 125 { i += 1; return .object(fields) }
                throw JSONError("expected ',' or '}' after object value", offset: i)
            }
        case 91:
            i += 1
            var items: [JSON] = []
            skipSpace()
            if i < b.count, b[i] == 93 { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < b.count else { throw JSONError("unexpected end of JSON input", offset: i) }
                if b[i] == 44 { i += 1; continue }
                if b[i] == 93 { i += 1; return .array(items) }
                throw JSONError("expected ',' or ']' after array element", offset: i)
            }
        case 34:
            return .string(try JSONString.read(b, at: &i))
        case 116: try literal("true"); return .bool(true)
        case 102: try literal("false"); return .bool(false)
        case 110: try literal("null"); return .null
        default:
            return try number()
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as RFC 8259 writes it.
    mutating func number() throws(JSONError) -> JSON {
        let start = i
        func digits() -> Int {
            let s = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            return i - s
        }
        if i < b.count, b[i] == 45 { i += 1 }
        guard i < b.count, b[i] >= 48, b[i] <= 57 else { throw JSONError("invalid character looking for beginning of value", offset: start) }
        if b[i] == 48 { i += 1 } else { _ = digits() }
        if i < b.count, b[i] == 46 {
            i += 1
            guard digits() > 0 else { throw JSONError("invalid character after decimal point in numeric literal", offset: i) }
        }
        if i < b.count, b[i] == 101 || b[i] == 69 {
            i += 1
            if i < b.count, b[i] == 43 || b[i] == 45 { i += 1 }
            guard digits() > 0 else { throw JSONError("invalid character in exponent of numeric literal", offset: i) }
        }
        let raw = String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        return .number(Double(raw) ?? .infinity, raw)
    }

    mutating func literal(_ word: StaticString) throws(JSONError) {
        let w = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard i + w.count <= b.count, b[i..<i + w.count].elementsEqual(w) else { throw JSONError("invalid literal", offset: i) }
        i += w.count
    }
}
