#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock helpers that work on integers, without Foundation.
public enum WallClock {
    /// Unix time now, in nanoseconds.
    public static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Appends `2026-11-25T10:00:00.123456789Z` (UTC, always nine fraction digits).
    public static func appendRFC3339Nano(_ ns: Int64, to out: inout [UInt8]) {
        var secs = ns / 1_000_000_000
        var frac = ns % 1_000_000_000
        if frac < 0 { frac += 1_000_000_000; secs -= 1 }
        var days = secs / 86400
        var rem = secs % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let (y, m, d) = civil(fromDays: days)
        func two(_ v: Int64) { out.append(UInt8(48 + v / 10)); out.append(UInt8(48 + v % 10)) }
        let yy = y
        out.append(UInt8(48 + (yy / 1000) % 10)); out.append(UInt8(48 + (yy / 100) % 10))
        out.append(UInt8(48 + (yy / 10) % 10)); out.append(UInt8(48 + yy % 10))
        out.append(45); two(m); out.append(45); two(d)
        out.append(84); two(rem / 3600); out.append(58); two(rem / 60 % 60); out.append(58); two(rem % 60)
        out.append(46)
        var digits = [UInt8](repeating: 48, count: 9)
        var f = frac
        for i in stride(from: 8, through: 0, by: -1) { digits[i] = UInt8(48 + f % 10); f /= 10 }
        out.append(contentsOf: digits)
        out.append(90)
    }

    /// Year, month, day of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
    public static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
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

    /// Days since 1970-01-01 of a civil date.
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

extension Duration {
    /// The duration in whole nanoseconds (for APIs that take an integer count: NIO, AsyncHTTPClient).
    public var nanoseconds: Int64 {
        let c = components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }
}
