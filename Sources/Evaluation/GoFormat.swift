import Codecs
#if canImport(Glibc)
import Glibc
#endif

/// Go's `fmt.Sprintf` for the verbs Alloy configs use: `%s %d %f %v %q %t %x %X %o %b %e %E %g %G %%`,
/// flags `- + # 0 space`, width, precision and `%[n]` argument indexes.
enum GoFormat {
    /// The largest width or precision Go's fmt accepts.
    static let maximumWidth = 1_000_000
    /// A formatted result may not grow past this (many wide verbs in one format would otherwise add up).
    static let maximumLength = 16 << 20

    static func sprintf(_ format: String, _ args: [Value]) throws(ValueError) -> String {
        let f = Array(format.utf8)
        var out: [UInt8] = []
        var argNum = 0
        var i = 0
        var reordered = false
        while i < f.count {
            if f[i] != UInt8(ascii: "%") {
                out.append(f[i])
                i += 1
                continue
            }
            i += 1
            var minus = false, plus = false, sharp = false, zero = false, space = false
            flags: while i < f.count {
                switch f[i] {
                case UInt8(ascii: "-"): minus = true
                case UInt8(ascii: "+"): plus = true
                case UInt8(ascii: "#"): sharp = true
                case UInt8(ascii: "0"): zero = true
                case UInt8(ascii: " "): space = true
                default: break flags
                }
                i += 1
            }
            func argIndex() {
                if i < f.count, f[i] == UInt8(ascii: "[") {
                    var j = i + 1
                    var n = 0
                    while j < f.count, f[j] >= 48, f[j] <= 57 { n = n * 10 + Int(f[j] - 48); j += 1 }
                    if j < f.count, f[j] == UInt8(ascii: "]"), n >= 1 {
                        argNum = n - 1
                        reordered = true
                        i = j + 1
                    }
                }
            }
            // Go refuses widths and precisions above a million (`tooLarge`): a literal one swallows the rest of the
            // format, one from an argument prints %!(BADWIDTH) / %!(BADPREC). No output can grow without bound.
            func number() -> Int? {
                var n: Int? = nil
                while i < f.count, f[i] >= 48, f[i] <= 57 {
                    if let v = n, v > GoFormat.maximumWidth {
                        i = f.count
                        return nil
                    }
                    n = (n ?? 0) * 10 + Int(f[i] - 48)
                    i += 1
                }
                return n
            }
            /// The integer argument a `*` stands for; nil when it is missing, not an integer or too large.
            func starArgument() -> Int? {
                guard argNum < args.count else { return nil }
                defer { argNum += 1 }
                guard case .number(let n) = args[argNum], case .int(let v) = n,
                      v.magnitude <= UInt64(GoFormat.maximumWidth) else { return nil }
                return Int(v)
            }
            argIndex()
            var width = number()
            if width == nil, i < f.count, f[i] == UInt8(ascii: "*") {
                i += 1
                width = starArgument()
                if let w = width, w < 0 {
                    width = -w
                    minus = true
                    zero = false
                }
                if width == nil { out += Array("%!(BADWIDTH)".utf8) }
            }
            var precision: Int? = nil
            if i < f.count, f[i] == UInt8(ascii: ".") {
                i += 1
                argIndex()
                if i < f.count, f[i] == UInt8(ascii: "*") {
                    i += 1
                    precision = starArgument()
                    if precision == nil { out += Array("%!(BADPREC)".utf8) }
                    if let p = precision, p < 0 { precision = nil }
                } else {
                    precision = number() ?? 0
                }
            }
            argIndex()
            guard i < f.count else {
                out += Array("%!(NOVERB)".utf8)
                break
            }
            let verb = f[i]
            i += 1
            if verb == UInt8(ascii: "%") {
                out.append(verb)
                continue
            }
            guard argNum < args.count else {
                out += Array("%!\(Character(Unicode.Scalar(verb)))(MISSING)".utf8)
                continue
            }
            let arg = args[argNum]
            argNum += 1
            var body = render(verb, arg, precision: precision, plus: plus, sharp: sharp, space: space)
            if let w = width, body.count < w {
                let pad = w - body.count
                if minus {
                    body += [UInt8](repeating: 32, count: pad)
                } else if zero && verb != UInt8(ascii: "s") && verb != UInt8(ascii: "q") && verb != UInt8(ascii: "v") {
                    let signed = body.first == UInt8(ascii: "-") || body.first == UInt8(ascii: "+")
                    body.insert(contentsOf: [UInt8](repeating: 48, count: pad), at: signed ? 1 : 0)
                } else {
                    body = [UInt8](repeating: 32, count: pad) + body
                }
            }
            out += body
            if out.count > maximumLength { throw ValueError("formatted string would be longer than \(maximumLength) bytes") }
        }
        if !reordered && argNum < args.count {
            out += Array("%!(EXTRA ".utf8)
            out += Array(args[argNum...].map { "\(goType($0))=\(plainText($0))" }.joined(separator: ", ").utf8)
            out += Array(")".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func goType(_ v: Value) -> String {
        switch v {
        case .number(.int): return "int"
        case .number(.uint): return "uint"
        case .number(.float): return "float64"
        case .string: return "string"
        case .bool: return "bool"
        case .array, .mapList: return "[]interface {}"
        case .object: return "map[string]interface {}"
        case .null: return "<nil>"
        default: return "interface {}"
        }
    }

    private static func plainText(_ v: Value) -> String {
        switch v {
        case .number(let n):
            if case .float(let d) = n { return cFormat("%g", d) }
            return n.text
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return "<nil>"
        case .array(let a): return "[" + a.map(plainText).joined(separator: " ") + "]"
        case .object(let o): return "map[" + o.keys.sorted().map { "\($0):\(plainText(o[$0]!))" }.joined(separator: " ") + "]"
        case .capsule(let c as Secret): return c.value
        case .mapList: return plainText(v.expanded)
        default: return v.rendered
        }
    }

    private static func bad(_ verb: UInt8, _ v: Value) -> [UInt8] {
        Array("%!\(Character(Unicode.Scalar(verb)))(\(goType(v))=\(plainText(v)))".utf8)
    }

    static func cFormat(_ spec: String, _ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 512)
        _ = withVaList([d]) { vsnprintf(&buf, 512, spec, $0) }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func render(_ verb: UInt8, _ v: Value, precision: Int?, plus: Bool, sharp: Bool, space: Bool) -> [UInt8] {
        let c = Character(Unicode.Scalar(verb))
        switch (c, v) {
        case ("v", _):
            if case .number(.float(let d)) = v { return Array(shortestG(d).utf8) }
            if case .string(let s) = v, let p = precision { return Array(Array(s.unicodeScalars).prefix(p).map(String.init).joined().utf8) }
            return Array(plainText(v).utf8)
        case ("s", .string(let s)):
            if let p = precision { return Array(Array(s.unicodeScalars).prefix(p).map(String.init).joined().utf8) }
            return Array(s.utf8)
        case ("s", .capsule(let x as Secret)): return Array(x.value.utf8)
        case ("q", .string(let s)): return Array(GoQuote.quoted(s).utf8)
        case ("t", .bool(let b)): return Array((b ? "true" : "false").utf8)
        case ("d", .number(let n)) where !isFloat(n):
            let t = n.text
            return Array(((plus && !t.hasPrefix("-")) ? "+" + t : (space && !t.hasPrefix("-") ? " " + t : t)).utf8)
        case ("x", .number(let n)) where !isFloat(n), ("X", .number(let n)) where !isFloat(n),
             ("o", .number(let n)) where !isFloat(n), ("b", .number(let n)) where !isFloat(n):
            let radix = c == "o" ? 8 : (c == "b" ? 2 : 16)
            let neg: Bool
            let mag: UInt64
            switch n {
            case .int(let x): neg = x < 0; mag = x.magnitude
            case .uint(let x): neg = false; mag = x
            case .float: neg = false; mag = 0
            }
            var t = String(mag, radix: radix, uppercase: c == "X")
            if sharp { t = (c == "o" ? "0" : (c == "b" ? "" : (c == "X" ? "0X" : "0x"))) + t }
            return Array(((neg ? "-" : "") + t).utf8)
        case ("x", .string(let s)), ("X", .string(let s)):
            return Array(s.utf8.map { String($0, radix: 16, uppercase: c == "X") }.map { $0.count == 1 ? "0" + $0 : $0 }.joined().utf8)
        case ("f", .number(let n)), ("F", .number(let n)), ("e", .number(let n)), ("E", .number(let n)),
             ("g", .number(let n)), ("G", .number(let n)):
            guard isFloat(n) else { return bad(verb, v) }
            let d = n.asDouble
            if (c == "g" || c == "G") && precision == nil { return Array(shortestG(d, upper: c == "G").utf8) }
            var spec = "%"
            if plus { spec += "+" }
            if space { spec += " " }
            if sharp { spec += "#" }
            spec += ".\(precision ?? 6)" + String(c == "F" ? "f" : c)
            var t = cFormat(spec, d)
            if c == "e" || c == "E" { t = fixExponent(t) }
            return Array(t.utf8)
        default:
            return bad(verb, v)
        }
    }

    private static func isFloat(_ n: Number) -> Bool {
        if case .float = n { return true }
        return false
    }

    /// Go's `%v`/`%g` of a float64 (strconv's shortest 'g').
    static func shortestG(_ d: Double, upper: Bool = false) -> String { GoFloat.formatShortestG(d, upper: upper) }

    /// Go writes at least two exponent digits: `1e+06`, `1e-05`.
    private static func fixExponent(_ s: String) -> String {
        guard let e = s.lastIndex(where: { $0 == "e" || $0 == "E" }) else { return s }
        var mant = String(s[..<e])
        var exp = String(s[s.index(after: e)...])
        var sign = "+"
        if exp.hasPrefix("-") || exp.hasPrefix("+") { sign = String(exp.removeFirst()) }
        while exp.count > 2 && exp.hasPrefix("0") { exp.removeFirst() }
        if exp.count < 2 { exp = "0" + exp }
        if mant.hasSuffix(".") { mant.removeLast() }
        return mant + String(s[e]) + sign + exp
    }
}

private extension String {
    func replacingMantissaTrailingZeros() -> String {
        guard let e = firstIndex(where: { $0 == "e" }) else { return self }
        var m = String(self[..<e])
        if m.contains(".") {
            while m.hasSuffix("0") { m.removeLast() }
            if m.hasSuffix(".") { m.removeLast() }
        }
        return m + self[e...]
    }
}
