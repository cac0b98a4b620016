/// RFC 3339 timestamps on bytes: `2026-11-25T10:00:00.123456789Z` and `…+01:00` to Unix nanoseconds and back.
public enum RFC3339 {
    /// Unix nanoseconds of a timestamp (`T`, `t` or a space between date and time; `.` or `,` before up to nine
    /// fraction digits, more are cut; `Z`, `z` or `±hh:mm`); nil when it is not one.
    public static func parse(_ b: UnsafeRawBufferPointer) -> Int64? {
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
        let days = CivilDate.days(year: y, month: mo, day: d)
        return ((days * 86400 + h * 3600 + mi * 60 + s) - offset) * 1_000_000_000 + frac
    }

    /// Unix nanoseconds of a timestamp held in a string.
    public static func parse(_ s: String) -> Int64? {
        var t = s
        return t.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Appends `2026-11-25T10:00:00.123456789Z` (UTC, always nine fraction digits).
    public static func appendNano(_ ns: Int64, to out: inout [UInt8]) {
        var secs = ns / 1_000_000_000
        var frac = ns % 1_000_000_000
        if frac < 0 { frac += 1_000_000_000; secs -= 1 }
        var days = secs / 86400
        var rem = secs % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let (y, m, d) = CivilDate.civil(fromDays: days)
        func digits(_ v: Int64, _ count: Int) {
            var div: Int64 = 1
            for _ in 1..<count { div *= 10 }
            while div > 0 {
                out.append(UInt8(48 + (v / div) % 10))
                div /= 10
            }
        }
        digits(y, 4); out.append(45); digits(m, 2); out.append(45); digits(d, 2)
        out.append(84); digits(rem / 3600, 2); out.append(58); digits(rem / 60 % 60, 2); out.append(58); digits(rem % 60, 2)
        out.append(46); digits(frac, 9)
        out.append(90)
    }
}

/// Proleptic Gregorian calendar arithmetic on day counts since 1970-01-01 (Howard Hinnant's algorithms).
public enum CivilDate {
    /// Year, month, day of a count of days since 1970-01-01.
    public static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Days since 1970-01-01 of a date.
    public static func days(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = m > 2 ? m - 3 : m + 9
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
