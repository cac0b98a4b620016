extension GoFloat {
    /// `strconv.ParseFloat(s, 64)`: Go's float literal syntax (decimal, or hexadecimal with a `p` exponent;
    /// underscores only between digits), `Inf`, `Infinity` and `NaN` in any case with an optional sign; nil for
    /// anything else and for a value too large for a float64 (ParseFloat's range error).
    public static func parse(_ s: String) -> Double? {
        var b = Array(s.utf8)
        guard !b.isEmpty else { return nil }
        var body = b[...]
        if body.first == 43 || body.first == 45 { body = body.dropFirst() }
        let word = String(decoding: body, as: UTF8.self).lowercased()
        if word == "inf" || word == "infinity" { return b[0] == 45 ? -.infinity : .infinity }
        if word == "nan" { return .nan }
        let hex = body.count > 2 && body.first == 48 && (body[body.startIndex + 1] | 0x20) == 120
        guard underscoresAllowed(body, hex: hex) else { return nil }
        b.removeAll { $0 == 95 }
        var digits = 0, exponentDigits = 0, sawPoint = false, sawExponent = false
        var i = b.first == 43 || b.first == 45 ? 1 : 0
        if hex { i += 2 }
        while i < b.count {
            let c = b[i]
            let isDigit = (c >= 48 && c <= 57) || (hex && !sawExponent && ((c | 0x20) >= 97 && (c | 0x20) <= 102))
            if isDigit {
                if sawExponent { exponentDigits += 1 } else { digits += 1 }
            } else if c == 46, !sawPoint, !sawExponent {
                sawPoint = true
            } else if (c | 0x20) == (hex ? 112 : 101), !sawExponent, digits > 0 {
                sawExponent = true
                if i + 1 < b.count, b[i + 1] == 43 || b[i + 1] == 45 { i += 1 }
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0, !sawExponent || exponentDigits > 0, !hex || sawExponent else { return nil }
        guard let v = Double(String(decoding: b, as: UTF8.self)), v.isFinite else { return nil }
        return v
    }

    /// Go's `underscoreOK`: each underscore between two digits, or between a base prefix and a digit.
    private static func underscoresAllowed(_ s: ArraySlice<UInt8>, hex: Bool) -> Bool {
        guard s.contains(95) else { return true }
        var saw: UInt8 = 94   // ^ start, 0 digit or prefix, _ underscore, ! other
        var i = s.startIndex
        if hex { i += 2; saw = 48 }
        while i < s.endIndex {
            let c = s[i]
            if (c >= 48 && c <= 57) || (hex && (c | 0x20) >= 97 && (c | 0x20) <= 102) {
                saw = 48
            } else if c == 95 {
                if saw != 48 { return false }
                saw = 95
            } else {
                if saw == 95 { return false }
                saw = 33
            }
            i += 1
        }
        return saw != 95
    }
}
