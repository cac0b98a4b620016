import LogCore

/// RFC 3339 timestamps (`2026-11-25T10:00:00.123456789Z`, `…+01:00`) to Unix nanoseconds, on bytes.
enum RFC3339 {
    static func parse(_ b: UnsafeRawBufferPointer) -> Int64? {
        let n = b.count
        guard n >= 20 else { return nil }
        func num(_ i: Int, _ len: Int) -> Int64? {
            var v: Int64 = 0
            for k in i..<i + len {
                let c = b[k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        guard let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32, let h = num(11, 2), b[13] == 58, let mi = num(14, 2), b[16] == 58,
              let s = num(17, 2), mo >= 1, mo <= 12, d >= 1, d <= 31, h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var frac: Int64 = 0
        if i < n && (b[i] == 46 || b[i] == 44) {
            i += 1
            var digits = 0
            while i < n, b[i] >= 48, b[i] <= 57 {
                if digits < 9 { frac = frac * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 9)..<9 { frac *= 10 }
        }
        guard i < n else { return nil }
        var offset: Int64 = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            guard i + 6 <= n, let oh = num(i + 1, 2), b[i + 3] == 58, let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == n else { return nil }
        let days = WallClock.days(year: y, month: mo, day: d)
        return ((days * 86400 + h * 3600 + mi * 60 + s) - offset) * 1_000_000_000 + frac
    }

    static func parse(_ s: String) -> Int64? {
        var t = s
        return t.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}
