/// Go's float text.
public enum GoFloat {
    /// `strconv.FormatFloat(v, 'g', -1, 64)`, which is also `fmt`'s `%v` and `%g` of a float64: the shortest
    /// digits that read back as `v`, with an exponent (`1e+20`, `1.234567e+06`, `1e-05`) when the decimal exponent is
    /// below -4 or at least 6; `NaN`, `+Inf`, `-Inf`; negative zero as `-0`.
    public static func formatShortestG(_ v: Double, upper: Bool = false) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let (negative, digits, dp) = shortestDecimal(v)
        let exp = dp - 1
        guard exp < -4 || exp >= 6 else { return formatPlain(v) }
        var out = negative ? "-" : ""
        out.append(digits.first!)
        if digits.count > 1 { out += "." + digits.dropFirst() }
        out += upper ? "E" : "e"
        out += exp < 0 ? "-" : "+"
        let magnitude = String(abs(exp))
        out += magnitude.count < 2 ? "0" + magnitude : magnitude
        return out
    }

    /// The shortest decimal digits of `v` (no leading or trailing zeros) and where the decimal point goes: `v` is
    /// 0.`digits` × 10^`dp`.
    static func shortestDecimal(_ v: Double) -> (negative: Bool, digits: String, dp: Int) {
        var s = "\(v)"   // Swift's description: the shortest round-trip form, possibly with an exponent.
        var negative = false
        if s.hasPrefix("-") {
            negative = true
            s.removeFirst()
        }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(s[s.index(after: e)...]) ?? 0
            s = String(s[s.startIndex..<e])
        }
        var intPart = s, fracPart = ""
        if let dot = s.firstIndex(of: ".") {
            intPart = String(s[s.startIndex..<dot])
            fracPart = String(s[s.index(after: dot)...])
        }
        var digits = intPart + fracPart
        var dp = intPart.count + exponent
        while digits.count > 1 && digits.hasPrefix("0") {
            digits.removeFirst()
            dp -= 1
        }
        while digits.count > 1 && digits.hasSuffix("0") { digits.removeLast() }
        return (negative, digits, dp)
    }

    /// `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest decimal that reads back as `v`, never with an exponent
    /// (`1e21` → `1000000000000000000000`); `NaN`, `+Inf`, `-Inf`; negative zero as `0`.
    public static func formatPlain(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        if v == v.rounded(.towardZero) && abs(v) < 1e15 { return String(Int64(v)) }   // whole numbers, the usual case
        let s = "\(v)"   // Swift's description is the shortest round-trip form, possibly with an exponent.
        var mantissa = s
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(s[s.startIndex..<e])
            exponent = Int(s[s.index(after: e)...]) ?? 0
        }
        var negative = false
        if mantissa.hasPrefix("-") {
            negative = true
            mantissa.removeFirst()
        }
        var intPart = mantissa
        var fracPart = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = String(mantissa[mantissa.startIndex..<dot])
            fracPart = String(mantissa[mantissa.index(after: dot)...])
        }
        var digits = intPart + fracPart
        var pointPos = intPart.count + exponent
        while digits.count > 1 && digits.hasPrefix("0") && pointPos > 1 {
            digits.removeFirst()
            pointPos -= 1
        }
        var result: String
        if pointPos <= 0 {
            result = "0." + String(repeating: "0", count: -pointPos) + digits
        } else if pointPos >= digits.count {
            result = digits + String(repeating: "0", count: pointPos - digits.count)
        } else {
            let i = digits.index(digits.startIndex, offsetBy: pointPos)
            result = String(digits[..<i]) + "." + String(digits[i...])
        }
        if result.contains(".") {
            while result.hasSuffix("0") { result.removeLast() }
            if result.hasSuffix(".") { result.removeLast() }
        }
        if result.isEmpty { result = "0" }
        return negative && result != "0" ? "-" + result : result
    }
}
