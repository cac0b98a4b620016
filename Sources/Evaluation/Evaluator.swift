import Syntax
#if canImport(Glibc)
import Glibc
#endif

/// Evaluates expressions against a scope of component exports, falling back to the standard library.
public struct Evaluator: Sendable {
    public var source: SourceFile
    /// Identifiers checked before the standard library (component namespaces, `argument`, …).
    public var scope: [String: Value]
    public var allowExperimental: Bool

    public init(source: SourceFile, scope: [String: Value] = [:], allowExperimental: Bool = false) {
        self.source = source
        self.scope = scope
        self.allowExperimental = allowExperimental
    }

    /// Evaluates one expression written in Alloy syntax (`"a" + env("HOME")`), as if it were the value of an
    /// attribute in a file named `name`; a syntax or evaluation error is a diagnostic positioned in that text.
    public static func evaluate(_ text: String, scope: [String: Value] = [:], allowExperimental: Bool = false,
                                name: String = "expression") throws(Diagnostic) -> Value {
        let src = SourceFile(name: name, text: "x = " + text + "\n")
        let file: File
        do { file = try Parser.parse(src) } catch { throw error.items[0] }
        guard file.body.count == 1, case .attribute(let a) = file.body[0] else {
            throw Diagnostic(file: src, start: 0, end: 0, message: "expected one expression")
        }
        return try Evaluator(source: src, scope: scope, allowExperimental: allowExperimental).evaluate(a.value)
    }

    /// The text of an expression as the formatter prints it (for messages).
    public func text(of e: Expr) -> String { Formatter.text(of: e, in: source) }

    func fail(_ e: Expr, _ err: ValueError) -> Diagnostic {
        Diagnostic(file: source, start: e.start, end: e.end, message: "\(text(of: e))\(err.path) \(err.message)")
    }

    func plain(_ e: Expr, _ message: String) -> Diagnostic {
        Diagnostic(file: source, start: e.start, end: e.end, message: message)
    }

    /// Evaluates `e`. A reference (identifier, field access, parentheses) yields a `.mapList` as it is, so a
    /// component's targets reach the next component without a copy; every operation sees it expanded.
    public func evaluate(_ e: Expr) throws(Diagnostic) -> Value {
        switch e {
        case .literal(let lit):
            return try literal(lit, e)
        case .identifier(let name, _):
            if let v = scope[name] { return v }
            if let v = Stdlib.root[name] {
                if Stdlib.experimental.contains(name) && !allowExperimental {
                    throw plain(e, "\(name) is experimental and requires --stability.level=experimental")
                }
                return v
            }
            throw plain(e, "identifier \"\(name)\" does not exist")
        case .access(let inner, let name, _):
            let v = try evaluate(inner)
            switch v {
            case .object(let o):
                guard let field = o[name] else { throw plain(e, "field \"\(name)\" does not exist") }
                if case .identifier(let ns, _) = inner, scope[ns] == nil,
                   Stdlib.experimental.contains("\(ns).\(name)") && !allowExperimental {
                    throw plain(e, "\(ns).\(name) is experimental and requires --stability.level=experimental")
                }
                return field
            default:
                throw plain(e, "cannot access field \"\(name)\" on value of type \(v.typeName)")
            }
        case .index(let inner, _, let indexExpr, _):
            let v = try evaluate(inner).expanded
            let i = try evaluate(indexExpr).expanded
            switch v {
            case .array(let a):
                guard case .number(let n) = i else {
                    throw fail(indexExpr, ValueError("should be number, got \(i.typeName)"))
                }
                let idx = n.asInt64
                guard idx >= 0, idx < a.count else {
                    throw fail(indexExpr, ValueError("index \(idx) is out of range of array with length \(a.count)"))
                }
                return a[Int(idx)]
            case .object(let o):
                guard case .string(let k) = i else {
                    throw fail(indexExpr, ValueError("should be string, got \(i.typeName)"))
                }
                return o[k] ?? .null
            default:
                throw fail(inner, ValueError("expected object or array, got \(v.typeName)"))
            }
        case .call(let callee, _, let argExprs, _):
            let f = try evaluate(callee)
            guard case .function(let fn) = f else {
                throw fail(callee, ValueError("should be function, got \(f.typeName)"))
            }
            switch fn.arity {
            case .exactly(let n) where argExprs.count != n:
                throw fail(callee, ValueError("expected \(n) args, got \(argExprs.count)"))
            case .atLeast(let n) where argExprs.count < n:
                throw fail(callee, ValueError("expected at least \(n) args, got \(argExprs.count)"))
            default: break
            }
            var args: [Value] = []
            for a in argExprs { args.append(try evaluate(a).expanded) }
            do {
                return try fn.call(args)
            } catch {
                if let i = error.argument, i < argExprs.count { throw fail(argExprs[i], error) }
                throw fail(callee, error)
            }
        case .array(_, let elements, _):
            var out: [Value] = []
            out.reserveCapacity(elements.count)
            for el in elements { out.append(try evaluate(el).expanded) }
            return .array(out)
        case .object(_, let fields, _):
            var out: [String: Value] = [:]
            for f in fields { out[f.name] = try evaluate(f.value).expanded }
            return .object(out)
        case .paren(_, let inner, _):
            return try evaluate(inner)
        case .unary(let op, _, let inner):
            let v = try evaluate(inner).expanded
            switch (op, v) {
            case (.not, .bool(let b)): return .bool(!b)
            case (.not, _): throw fail(inner, ValueError("should be bool, got \(v.typeName)"))
            case (.sub, .number(let n)):
                switch n {
                case .int(let x): return .number(.int(0 &- x))
                case .uint(let x): return .number(.int(0 &- Int64(truncatingIfNeeded: x)))
                case .float(let x): return .number(.float(-x))
                }
            default: throw fail(inner, ValueError("should be number, got \(v.typeName)"))
            }
        case .binary(let op, _, let l, let r):
            let lv = try evaluate(l).expanded
            let rv = try evaluate(r).expanded
            return try binary(op, lv, rv, l, r)
        case .bad:
            throw plain(e, "invalid expression")
        }
    }

    private func literal(_ lit: Literal, _ e: Expr) throws(Diagnostic) -> Value {
        switch lit.kind {
        case .null: return .null
        case .bool: return .bool(lit.text == "true")
        case .number: return .number(parseNumberLiteral(lit.text))
        case .float: return .number(.float(Double(lit.text.hasPrefix(".") ? "0" + lit.text : lit.text) ?? 0))
        case .string:
            do { return .string(try unquoteString(lit.text)) } catch { throw plain(e, error.message) }
        default: throw plain(e, "invalid literal")
        }
    }

    private func binary(_ op: TokenKind, _ lv: Value, _ rv: Value, _ l: Expr, _ r: Expr) throws(Diagnostic) -> Value {
        switch op {
        case .eq: return .bool(lv.equals(rv))
        case .neq: return .bool(!lv.equals(rv))
        case .or, .and:
            guard case .bool(let a) = lv else { throw fail(l, ValueError("should be bool, got \(lv.typeName)")) }
            guard case .bool(let b) = rv else { throw fail(r, ValueError("should be bool, got \(rv.typeName)")) }
            return .bool(op == .or ? (a || b) : (a && b))
        default: break
        }
        let allowed: [String]
        switch op {
        case .add, .lt, .lte, .gt, .gte: allowed = ["number", "string"]
        default: allowed = ["number"]
        }
        func check(_ v: Value, _ ex: Expr) throws(Diagnostic) {
            var t = v.typeName
            if case .capsule(let c) = v, c is Secret, op == .add { t = "string" }
            if !allowed.contains(t) {
                let msg = allowed.count == 1 ? "should be number, got \(v.typeName)"
                    : "should be one of [\(allowed.joined(separator: " "))] for binop \(op.spelling), got \(v.typeName)"
                throw fail(ex, ValueError(msg))
            }
        }
        try check(lv, l)
        try check(rv, r)
        switch (lv, rv) {
        case (.number(let a), .number(let b)):
            return try arithmetic(op, a, b, r)
        case (.string(let a), .string(let b)):
            switch op {
            case .add: return .string(a + b)
            case .lt: return .bool(Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)))
            case .gt: return .bool(Array(b.utf8).lexicographicallyPrecedes(Array(a.utf8)))
            case .lte: return .bool(!Array(b.utf8).lexicographicallyPrecedes(Array(a.utf8)))
            case .gte: return .bool(!Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)))
            default: break
            }
        case (.capsule(let a as Secret), .string(let b)): return .capsule(Secret(a.value + b))
        case (.string(let a), .capsule(let b as Secret)): return .capsule(Secret(a + b.value))
        case (.capsule(let a as Secret), .capsule(let b as Secret)): return .capsule(Secret(a.value + b.value))
        default: break
        }
        throw fail(r, ValueError("should be \(lv.typeName), got \(rv.typeName)"))
    }

    private func arithmetic(_ op: TokenKind, _ a: Number, _ b: Number, _ r: Expr) throws(Diagnostic) -> Value {
        let rank = max(a.rank, b.rank)
        switch op {
        case .lt, .lte, .gt, .gte:
            let c = compareNumbers(a, b)
            switch op {
            case .lt: return .bool(c < 0)
            case .lte: return .bool(c <= 0)
            case .gt: return .bool(c > 0)
            default: return .bool(c >= 0)
            }
        case .div, .mod:
            if b.asDouble == 0 && !(rank < 2 && b.asInt64 != 0) {
                throw fail(r, ValueError("divide by zero error"))
            }
        default: break
        }
        if rank == 2 {
            let x = a.asDouble, y = b.asDouble
            switch op {
            case .add: return .float(x + y)
            case .sub: return .float(x - y)
            case .mul: return .float(x * y)
            case .div: return .float(x / y)
            case .mod: return .float(x.truncatingRemainder(dividingBy: y))
            case .pow: return .float(Glibc.pow(x, y))
            default: break
            }
        } else if rank == 1 {
            let x = a.asInt64, y = b.asInt64
            switch op {
            case .add: return .number(.int(x &+ y))
            case .sub: return .number(.int(x &- y))
            case .mul: return .number(.int(x &* y))
            case .div: return .number(.int(x == Int64.min && y == -1 ? x : x / y))
            case .mod: return .number(.int(y == -1 ? 0 : x % y))
            case .pow: return .number(.int(intPow(x, y)))
            default: break
            }
        } else {
            let x = a.asUInt64, y = b.asUInt64
            switch op {
            case .add: return .number(.uint(x &+ y))
            case .sub: return .number(.uint(x &- y))
            case .mul: return .number(.uint(x &* y))
            case .div: return .number(.uint(x / y))
            case .mod: return .number(.uint(x % y))
            case .pow: return .number(.uint(UInt64(bitPattern: intPow(Int64(bitPattern: x), Int64(bitPattern: y)))))
            default: break
            }
        }
        throw fail(r, ValueError("unsupported operator \(op.spelling)"))
    }

    private func compareNumbers(_ a: Number, _ b: Number) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.uint(let x), .uint(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        default:
            let x = a.asDouble, y = b.asDouble
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }

    /// Integer power as Alloy computes it: repeated multiplication, wrapping; a negative exponent returns the base.
    private func intPow(_ base: Int64, _ exp: Int64) -> Int64 {
        if exp == 0 || base == 1 { return 1 }
        if base == 0 && exp > 0 { return 0 }
        var result = base
        var i: Int64 = 1
        while i < exp {
            result = result &* base
            i += 1
            if result == 0 || (result == 1) { break }
        }
        return result
    }
}

/// Parses a NUMBER token: int64 with Go prefix detection (leading 0 = octal), else uint64, else float.
func parseNumberLiteral(_ text: String) -> Number {
    if text.count > 1 && text.hasPrefix("0") {
        if let v = Int64(text.dropFirst(), radix: 8) { return .int(v) }
    } else if let v = Int64(text) {
        return .int(v)
    }
    if !(text.count > 1 && text.hasPrefix("0")), let v = UInt64(text) { return .uint(v) }
    return .float(Double(text) ?? 0)
}

/// The value of a string literal: escapes decoded for `"…"`, CRs dropped for raw `` `…` ``.
public func unquoteString(_ text: String) throws(ValueError) -> String {
    let b = Array(text.utf8)
    guard b.count >= 2 else { return "" }
    if b[0] == UInt8(ascii: "`") {
        return String(decoding: b[1..<b.count - 1].filter { $0 != 13 }, as: UTF8.self)
    }
    var out: [UInt8] = []
    out.reserveCapacity(b.count)
    var i = 1
    let end = b.count - 1
    func hexVal(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: return Int(c - 48)
        case 97...102: return Int(c - 87)
        case 65...70: return Int(c - 55)
        default: return nil
        }
    }
    while i < end {
        let c = b[i]
        if c != 92 {
            out.append(c)
            i += 1
            continue
        }
        i += 1
        guard i < end else { throw ValueError("escape sequence not terminated") }
        let e = b[i]
        i += 1
        switch e {
        case UInt8(ascii: "a"): out.append(7)
        case UInt8(ascii: "b"): out.append(8)
        case UInt8(ascii: "f"): out.append(12)
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "v"): out.append(11)
        case 92: out.append(92)
        case 34: out.append(34)
        case 48...55:
            guard i + 1 < end + 1, i + 1 <= end else { throw ValueError("invalid escape") }
            let v = Int(e - 48) * 64 + Int(b[i] - 48) * 8 + Int(b[i + 1] - 48)
            out.append(UInt8(truncatingIfNeeded: v))
            i += 2
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
            var v = 0
            for k in 0..<n {
                guard i + k < end, let d = hexVal(b[i + k]) else { throw ValueError("invalid escape") }
                v = v * 16 + d
            }
            i += n
            if e == UInt8(ascii: "x") {
                out.append(UInt8(v))
            } else if let s = Unicode.Scalar(UInt32(v)) {
                out.append(contentsOf: Array(String(Character(s)).utf8))
            } else {
                throw ValueError("escape sequence is invalid Unicode code point")
            }
        default:
            throw ValueError("unknown escape sequence")
        }
    }
    return String(decoding: out, as: UTF8.self)
}
