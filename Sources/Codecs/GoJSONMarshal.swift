/// JSON text as Go's `json.Marshal` writes a value that `json.Unmarshal` decoded into `any`: object keys sorted by
/// their bytes (a repeated key: its last value), numbers from their float64 value (`1.0` → `1`, `1e21` → `1e+21`),
/// strings with Go's HTML-safe escaping. Alloy's stages marshal values back this way.
extension JSON {
    /// The Go-marshalled text.
    public var goMarshalled: String {
        var out: [UInt8] = []
        writeGoMarshalled(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the Go-marshalled text.
    public func writeGoMarshalled(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let d, _): out += Array(GoFloat.formatJSON(d).utf8)
        case .string(let s): JSONString.append(s, to: &out, style: .goHTMLSafe)
        case .array(let a):
            out.append(91)
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(44) }
                v.writeGoMarshalled(to: &out)
            }
            out.append(93)
        case .object(let fields):
            out.append(123)
            for (i, (k, v)) in JSON.uniqueFields(fields).sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }).enumerated() {
                if i > 0 { out.append(44) }
                JSONString.append(k, to: &out, style: .goHTMLSafe)
                out.append(58)
                v.writeGoMarshalled(to: &out)
            }
            out.append(125)
        }
    }

    /// An object's fields with each key once, as a decoder into a map sees them: a repeated key keeps the position
    /// of its first occurrence and the value of its last.
    public static func uniqueFields(_ fields: [(String, JSON)]) -> [(String, JSON)] {
        if fields.count < 2 { return fields }
        var position: [String: Int] = [:]
        position.reserveCapacity(fields.count)
        var out: [(String, JSON)] = []
        out.reserveCapacity(fields.count)
        for (k, v) in fields {
            if let i = position[k] { out[i].1 = v } else {
                position[k] = out.count
                out.append((k, v))
            }
        }
        return out
    }

    /// A number value whose text is Go's marshalled form of `value`.
    public static func number(_ value: Double) -> JSON { .number(value, GoFloat.formatJSON(value)) }
}

extension GoFloat {
    /// How Go's `encoding/json` writes a float64: the shortest decimal, plain between 1e-6 and 1e21, otherwise with
    /// an exponent (`1e+21`, `1e-7`); NaN and infinities, which Go refuses to marshal, as `null`.
    public static func formatJSON(_ v: Double) -> String {
        if v.isNaN || v.isInfinite { return "null" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let magnitude = abs(v)
        if magnitude >= 1e-6 && magnitude < 1e21 { return formatPlain(v) }
        let (negative, digits, dp) = shortestDecimal(v)
        let exp = dp - 1
        var out = negative ? "-" : ""
        out.append(digits.first!)
        if digits.count > 1 { out += "." + digits.dropFirst() }
        out += exp < 0 ? "e-" : "e+"
        out += String(abs(exp))
        return out
    }
}
