import Codecs
#if canImport(Glibc)
import Glibc
#endif

/// Go's `fmt.Sprintf`: `%v %s %q %t`, the integer verbs `%d %x %X %o %O %b %c %q %U`, the float verbs
/// `%f %F %e %E %g %G %x %X %b` (Inf and NaN as Go prints them), strings in hex (`%x`, `% x`, `%#x`), flags
/// `- + # 0 space`, width, precision and `%[n]` argument indexes; a verb that does not fit its argument prints
/// Go's `%!verb(type=value)`.
public enum GoFormat {
    /// The largest width or precision Go's fmt accepts.
    static let maximumWidth = 1_000_000
    /// A formatted result may not grow past this (many wide verbs in one format would otherwise add up).
    static let maximumLength = 16 << 20

    public static func sprintf(_ format: String, _ args: [Value]) throws(ValueError) -> String {
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
                } else if zero && verb != UInt8(ascii: "s") && verb != UInt8(ascii: "q") && verb != UInt8(ascii: "v")
                            && !(precision != nil && isIntegerArgument(arg)) && !GoFormat.isNonFinite(body) {
                    // Go ignores 0 for an integer with a precision, and pads Inf and NaN with spaces.
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
            if case .float(let d) = n { return shortestG(d) }   // Go's %v: shortest representation
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
        case ("q", .string(let s)):
            if sharp, !s.contains("`"), s.unicodeScalars.allSatisfy({ $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F && $0 != "\u{FEFF}") }) {
                return Array(("`" + s + "`").utf8)   // strconv.CanBackquote
            }
            return Array((plus ? asciiOnly(GoQuote.quoted(s)) : GoQuote.quoted(s)).utf8)
        case ("t", .bool(let b)): return Array((b ? "true" : "false").utf8)
        case ("d", .number(let n)) where !isFloat(n), ("x", .number(let n)) where !isFloat(n), ("X", .number(let n)) where !isFloat(n),
             ("o", .number(let n)) where !isFloat(n), ("O", .number(let n)) where !isFloat(n), ("b", .number(let n)) where !isFloat(n):
            return Array(integer(n, c, precision: precision, plus: plus, sharp: sharp, space: space).utf8)
        case ("c", .number(let n)) where !isFloat(n):
            return Array(String(rune(n)).utf8)
        case ("q", .number(let n)) where !isFloat(n):
            let r = rune(n)
            return Array(("'" + (r == "'" ? "\\'" : String(GoQuote.quoted(String(r)).dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")) + "'").utf8)
        case ("U", .number(let n)) where !isFloat(n):
            var hex = String(n.asUInt64, radix: 16, uppercase: true)
            while hex.count < max(4, precision ?? 0) { hex = "0" + hex }
            var t = "U+" + hex
            if sharp, n.asUInt64 <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(n.asUInt64)), GoQuote.isPrintable(scalar) { t += " '\(Character(scalar))'" }
            return Array(t.utf8)
        case ("x", .string(let s)), ("X", .string(let s)):
            let digits = s.utf8.map { b -> String in
                let h = String(b, radix: 16, uppercase: c == "X")
                return h.count == 1 ? "0" + h : h
            }
            let prefix = sharp ? (c == "X" ? "0X" : "0x") : ""
            if space { return Array(digits.map { prefix + $0 }.joined(separator: " ").utf8) }
            return Array((digits.isEmpty ? "" : prefix + digits.joined()).utf8)
        case ("x", .number(let n)), ("X", .number(let n)):
            return Array(signed(hexFloat(n.asDouble, precision: precision, upper: c == "X"), plus: plus, space: space).utf8)
        case ("b", .number(let n)):
            return Array(signed(binaryFloat(n.asDouble), plus: plus, space: space).utf8)
        case ("f", .number(let n)), ("F", .number(let n)), ("e", .number(let n)), ("E", .number(let n)),
             ("g", .number(let n)), ("G", .number(let n)):
            guard isFloat(n) else { return bad(verb, v) }
            let d = n.asDouble
            if !d.isFinite { return Array(nonFinite(d, plus: plus, space: space).utf8) }
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

    /// Go's integer verbs: `%d %x %X %o %O %b` with sign flags, `#` prefixes and a precision as the minimum digits.
    static func integer(_ n: Number, _ verb: Character, precision: Int?, plus: Bool, sharp: Bool, space: Bool) -> String {
        let negative: Bool
        let magnitude: UInt64
        switch n {
        case .int(let x): negative = x < 0; magnitude = x.magnitude
        case .uint(let x): negative = false; magnitude = x
        case .float: negative = false; magnitude = 0
        }
        let radix = verb == "o" || verb == "O" ? 8 : verb == "b" ? 2 : verb == "d" ? 10 : 16
        var digits = String(magnitude, radix: radix, uppercase: verb == "X")
        if let p = precision {
            if p == 0 && magnitude == 0 { digits = "" }
            while digits.count < p { digits = "0" + digits }
        }
        if sharp {
            switch verb {
            case "x": digits = "0x" + digits
            case "X": digits = "0X" + digits
            case "o": if !digits.hasPrefix("0") { digits = "0" + digits }
            case "b": digits = "0b" + digits
            default: break
            }
        }
        if verb == "O" { digits = "0o" + digits }
        return negative ? "-" + digits : (plus ? "+" + digits : (space ? " " + digits : digits))
    }

    /// The character an integer stands for; U+FFFD for one that is not a Unicode scalar (as Go's `%c`).
    static func rune(_ n: Number) -> Character {
        if case .int(let x) = n, x < 0 { return "\u{FFFD}" }
        let v = n.asUInt64
        guard v <= 0x10FFFF, let s = Unicode.Scalar(UInt32(v)) else { return "\u{FFFD}" }
        return Character(s)
    }

    /// A Go quoted string with every non-ASCII code point escaped (`%+q`: strconv.QuoteToASCII).
    static func asciiOnly(_ quoted: String) -> String {
        var out = ""
        for scalar in quoted.unicodeScalars {
            if scalar.value < 0x80 { out.unicodeScalars.append(scalar); continue }
            let hex = String(scalar.value, radix: 16)
            out += scalar.value <= 0xFFFF ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                                          : "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
        }
        return out
    }

    /// A sign as Go's fmtFloat writes it: `-` always, `+` with the plus flag, a space with the space flag.
    static func signed(_ t: String, plus: Bool, space: Bool) -> String {
        if t.hasPrefix("-") { return t }
        return plus ? "+" + t : (space ? " " + t : t)
    }

    /// `+Inf`, `-Inf`, `NaN` as Go's float verbs print them (the plus sign of +Inf is always there; a space flag
    /// replaces it; NaN gets a sign only when asked).
    static func nonFinite(_ d: Double, plus: Bool, space: Bool) -> String {
        if d.isNaN { return plus ? "+NaN" : (space ? " NaN" : "NaN") }
        if d < 0 { return "-Inf" }
        return space && !plus ? " Inf" : "+Inf"
    }

    /// `%b` of a float64: the decimal mantissa and binary exponent (`4503599627370496p-52`), strconv's 'b' format.
    static func binaryFloat(_ d: Double) -> String {
        let bits = d.bitPattern
        var exponent = Int((bits >> 52) & 0x7FF)
        var mantissa = bits & ((1 << 52) - 1)
        if exponent == 0 { exponent = 1 } else { mantissa |= 1 << 52 }
        exponent += -1023 - 52
        return (d.sign == .minus ? "-" : "") + "\(mantissa)p" + (exponent >= 0 ? "+" : "") + "\(exponent)"
    }

    /// `%x` of a float64: `0x1.8p+01`, strconv's 'x' format (shortest digits, or rounded half to even to
    /// `precision` hex digits); the exponent has at least two digits.
    static func hexFloat(_ d: Double, precision: Int?, upper: Bool) -> String {
        if !d.isFinite { return nonFinite(d, plus: false, space: false) }
        let negative = d.sign == .minus
        var mantissa = d.significandBitPattern   // 52 fraction bits
        var exponent = Int(d.exponent)
        if d == 0 {
            mantissa = 0
            exponent = 0
        } else if d.isSubnormal {
            // Normalise: shift until the leading bit is the implicit one.
            var m = mantissa
            var e = -1022
            while m & (1 << 52) == 0 { m <<= 1; e -= 1 }
            mantissa = m & ((1 << 52) - 1)
            exponent = e
        }
        var lead: UInt64 = d == 0 ? 0 : 1
        var fraction = String(mantissa, radix: 16, uppercase: upper)
        fraction = String(repeating: "0", count: 13 - fraction.count) + fraction
        if let p = precision, p < 13 {
            // Round the 52-bit fraction to 4p bits, half to even.
            let drop = UInt64(52 - 4 * p)
            var kept = mantissa >> drop
            let rest = mantissa & ((1 << drop) - 1), half: UInt64 = 1 << (drop - 1)
            if rest > half || (rest == half && kept & 1 == 1) { kept += 1 }
            if kept >> UInt64(4 * p) != 0 {   // carried into the leading digit
                kept = 0
                lead += 1
                if lead == 2 { lead = 1; exponent += 1 }
            }
            fraction = p == 0 ? "" : String(kept, radix: 16, uppercase: upper)
            fraction = String(repeating: "0", count: max(0, p - fraction.count)) + fraction
        } else {
            while fraction.hasSuffix("0") { fraction.removeLast() }
            if let p = precision { fraction += String(repeating: "0", count: p - fraction.count) }
        }
        let exp = String(abs(exponent))
        return (negative ? "-" : "") + (upper ? "0X" : "0x") + "\(lead)" + (fraction.isEmpty ? "" : "." + fraction)
            + (upper ? "P" : "p") + (exponent < 0 ? "-" : "+") + (exp.count < 2 ? "0" + exp : exp)
    }

    private static func isIntegerArgument(_ v: Value) -> Bool {
        if case .number(let n) = v { return !isFloat(n) }
        return false
    }

    private static func isNonFinite(_ body: [UInt8]) -> Bool {
        let t = String(decoding: body, as: UTF8.self)
        return t.hasSuffix("Inf") || t.hasSuffix("NaN")
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
