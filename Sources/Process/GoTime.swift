import Platform
import Codecs
import LogCore
#if canImport(Glibc)
import Glibc
#endif

/// Parsing times with Go's reference-time layouts (`2006-01-02T15:04:05.999999999Z07:00`), as
/// `stage.timestamp` does, and time zones from the system's tzdata.
enum GoTime {
    enum Chunk: Equatable {
        case literal([UInt8])
        case longMonth, month, numMonth, zeroMonth
        case longWeekday, weekday
        case day, underDay, zeroDay, yearDay, zeroYearDay
        case hour, hour12, zeroHour12
        case minute, zeroMinute, second, zeroSecond
        case longYear, year
        case pm, lowerPM
        case tz
        case iso8601(String), numTZ(String)   // the spelling decides the shape
        case fracFixed(Int), fracOptional(Int)
    }

    static let namedLayouts: [String: String] = [
        "ANSIC": "Mon Jan _2 15:04:05 2006", "UnixDate": "Mon Jan _2 15:04:05 MST 2006",
        "RubyDate": "Mon Jan 02 15:04:05 -0700 2006", "RFC822": "02 Jan 06 15:04 MST", "RFC822Z": "02 Jan 06 15:04 -0700",
        "RFC850": "Monday, 02-Jan-06 15:04:05 MST", "RFC1123": "Mon, 02 Jan 2006 15:04:05 MST",
        "RFC1123Z": "Mon, 02 Jan 2006 15:04:05 -0700", "RFC3339": "2006-01-02T15:04:05Z07:00",
        "RFC3339Nano": "2006-01-02T15:04:05.999999999Z07:00",
    ]

    static func chunks(_ layout: String) -> [Chunk] {
        let l = Array(layout.utf8)
        var out: [Chunk] = []
        var lit: [UInt8] = []
        var i = 0
        func has(_ s: String) -> Bool {
            let u = Array(s.utf8)
            return i + u.count <= l.count && Array(l[i..<i + u.count]) == u
        }
        func emit(_ c: Chunk, _ len: Int) {
            if !lit.isEmpty { out.append(.literal(lit)); lit = [] }
            out.append(c)
            i += len
        }
        while i < l.count {
            if has("January") { emit(.longMonth, 7); continue }
            if has("Jan") { emit(.month, 3); continue }
            if has("Monday") { emit(.longWeekday, 6); continue }
            if has("Mon") { emit(.weekday, 3); continue }
            if has("MST") { emit(.tz, 3); continue }
            if has("2006") { emit(.longYear, 4); continue }
            if has("002") { emit(.zeroYearDay, 3); continue }
            if has("01") { emit(.zeroMonth, 2); continue }
            if has("02") { emit(.zeroDay, 2); continue }
            if has("03") { emit(.zeroHour12, 2); continue }
            if has("04") { emit(.zeroMinute, 2); continue }
            if has("05") { emit(.zeroSecond, 2); continue }
            if has("06") { emit(.year, 2); continue }
            if has("15") { emit(.hour, 2); continue }
            if has("__2") { emit(.yearDay, 3); continue }
            if has("_2") { emit(.underDay, 2); continue }
            var matched = false
            for tz in ["Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07"] where has(tz) {
                emit(.iso8601(tz), tz.utf8.count)
                matched = true
                break
            }
            if matched { continue }
            for tz in ["-07:00:00", "-070000", "-07:00", "-0700", "-07"] where has(tz) {
                emit(.numTZ(tz), tz.utf8.count)
                matched = true
                break
            }
            if matched { continue }
            if has("PM") { emit(.pm, 2); continue }
            if has("pm") { emit(.lowerPM, 2); continue }
            let c = l[i]
            if c == UInt8(ascii: "1") { emit(.numMonth, 1); continue }
            if c == UInt8(ascii: "2") { emit(.day, 1); continue }
            if c == UInt8(ascii: "3") { emit(.hour12, 1); continue }
            if c == UInt8(ascii: "4") { emit(.minute, 1); continue }
            if c == UInt8(ascii: "5") { emit(.second, 1); continue }
            if (c == 46 || c == 44), i + 1 < l.count, l[i + 1] == 48 || l[i + 1] == 57 {
                let digit = l[i + 1]
                var j = i + 1
                while j < l.count && l[j] == digit { j += 1 }
                if j == l.count || !(l[j] >= 48 && l[j] <= 57) {
                    let n = j - i - 1
                    emit(digit == 48 ? .fracFixed(n) : .fracOptional(n), j - i)
                    continue
                }
            }
            lit.append(c)
            i += 1
        }
        if !lit.isEmpty { out.append(.literal(lit)) }
        return out
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// Parses `value` with `layout`; nil when it does not match. Times without a zone are in `zone` (UTC when nil).
    static func parse(_ layout: String, _ value: String, zone: TimeZoneData?, nowNanoseconds: Int64) -> Int64? {
        let v = Array(value.utf8)
        var i = 0
        var year: Int64? = nil, month: Int64 = 1, day: Int64 = 1, yday: Int64? = nil
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, nanos: Int64 = 0
        var pm: Bool? = nil
        var offset: Int64? = nil
        func digits(_ min: Int, _ max: Int) -> Int64? {
            var n = 0, r: Int64 = 0
            while n < max, i < v.count, v[i] >= 48, v[i] <= 57 { r = r * 10 + Int64(v[i] - 48); i += 1; n += 1 }
            return n >= min ? r : nil
        }
        func word(_ list: [String], abbreviated: Bool) -> Int? {
            for (k, name) in list.enumerated() {
                let w = Array((abbreviated ? String(name.prefix(3)) : name).utf8)
                if i + w.count <= v.count, zip(v[i..<i + w.count], w).allSatisfy({ ($0 | 0x20) == $1 }) {
                    i += w.count
                    return k
                }
            }
            return nil
        }
        func fraction() {
            if i + 1 < v.count, v[i] == 46 || v[i] == 44, v[i + 1] >= 48, v[i + 1] <= 57 {
                i += 1
                var n = 0
                var f: Int64 = 0
                while i < v.count, v[i] >= 48, v[i] <= 57 { if n < 9 { f = f * 10 + Int64(v[i] - 48) }; n += 1; i += 1 }
                for _ in min(n, 9)..<9 { f *= 10 }
                nanos = f
            }
        }
        let cs = chunks(layout)
        for (idx, c) in cs.enumerated() {
            switch c {
            case .literal(let lit):
                guard i + lit.count <= v.count, Array(v[i..<i + lit.count]) == lit else { return nil }
                i += lit.count
            case .longMonth: guard let m = word(months, abbreviated: false) else { return nil }; month = Int64(m + 1)
            case .month: guard let m = word(months, abbreviated: true) else { return nil }; month = Int64(m + 1)
            case .longWeekday: guard word(weekdays, abbreviated: false) != nil else { return nil }
            case .weekday: guard word(weekdays, abbreviated: true) != nil else { return nil }
            case .numMonth: guard let m = digits(1, 2) else { return nil }; month = m
            case .zeroMonth: guard let m = digits(2, 2) else { return nil }; month = m
            case .day: guard let d = digits(1, 2) else { return nil }; day = d
            case .underDay:
                if i < v.count, v[i] == 32 { i += 1 }
                guard let d = digits(1, 2) else { return nil }; day = d
            case .zeroDay: guard let d = digits(2, 2) else { return nil }; day = d
            case .yearDay:
                while i < v.count, v[i] == 32 { i += 1 }
                guard let d = digits(1, 3) else { return nil }; yday = d
            case .zeroYearDay: guard let d = digits(3, 3) else { return nil }; yday = d
            case .hour: guard let h = digits(2, 2) else { return nil }; hour = h
            case .hour12: guard let h = digits(1, 2) else { return nil }; hour = h
            case .zeroHour12: guard let h = digits(2, 2) else { return nil }; hour = h
            case .minute: guard let m = digits(1, 2) else { return nil }; minute = m
            case .zeroMinute: guard let m = digits(2, 2) else { return nil }; minute = m
            case .second, .zeroSecond:
                guard let s = digits(c == .second ? 1 : 2, 2) else { return nil }
                second = s
                // A fraction right after the seconds is accepted even when the layout has none.
                if idx + 1 >= cs.count || { if case .fracFixed = cs[idx + 1] { return false }; if case .fracOptional = cs[idx + 1] { return false }; return true }() {
                    fraction()
                }
            case .longYear: guard let y = digits(4, 4) else { return nil }; year = y
            case .year: guard let y = digits(2, 2) else { return nil }; year = y >= 69 ? 1900 + y : 2000 + y
            case .pm, .lowerPM:
                guard i + 2 <= v.count else { return nil }
                let s = String(decoding: v[i..<i + 2], as: UTF8.self).uppercased()
                guard s == "AM" || s == "PM" else { return nil }
                pm = s == "PM"
                i += 2
            case .tz:
                if i + 3 <= v.count, String(decoding: v[i..<i + 3], as: UTF8.self) == "UTC" || String(decoding: v[i..<i + 3], as: UTF8.self) == "GMT" {
                    i += 3
                    offset = 0
                    break
                }
                var n = 0
                while i < v.count, v[i] >= 65, v[i] <= 90 { i += 1; n += 1 }
                guard n >= 3, n <= 5 else { return nil }
                offset = 0
            case .iso8601(let spelling):
                if i < v.count, v[i] == UInt8(ascii: "Z") { i += 1; offset = 0; break }
                guard let o = numericZone(String(spelling.dropFirst()), v, &i) else { return nil }
                offset = o
            case .numTZ(let spelling):
                guard let o = numericZone(spelling, v, &i) else { return nil }
                offset = o
            case .fracFixed(let n):
                guard i < v.count, v[i] == 46 || v[i] == 44 else { return nil }
                i += 1
                let start = i
                guard let f = digits(n, n) else { return nil }
                var x = f
                for _ in (i - start)..<9 { x *= 10 }
                nanos = x
            case .fracOptional:
                fraction()
            }
        }
        guard i == v.count else { return nil }
        if let pm {
            guard hour >= 1, hour <= 12 else { return nil }
            if pm && hour < 12 { hour += 12 } else if !pm && hour == 12 { hour = 0 }
        }
        guard month >= 1, month <= 12, day >= 1, day <= 31, hour < 24, minute < 60, second < 61 else { return nil }
        let hasYear = layout.contains("06")
        var y: Int64
        if let year {
            y = year
        } else if !hasYear {
            // Year-less layouts: the current year, except around New Year.
            let now = nowNanoseconds / 1_000_000_000
            let (cy, cm, _) = CivilDate.civil(fromDays: now / 86400)
            y = cy
            if month == 12 && cm == 1 { y -= 1 } else if month == 1 && cm == 12 { y += 1 }
        } else {
            y = 0
        }
        var days: Int64
        if let yday {
            days = CivilDate.days(year: y, month: 1, day: 1) + yday - 1
        } else {
            days = CivilDate.days(year: y, month: month, day: day)
        }
        let local = days * 86400 + hour * 3600 + minute * 60 + second
        let off = offset ?? (zone?.offset(forLocal: local) ?? 0)
        return (local - off) * 1_000_000_000 + nanos
    }

    private static func numericZone(_ spelling: String, _ v: [UInt8], _ i: inout Int) -> Int64? {
        guard i < v.count, v[i] == 43 || v[i] == 45 else { return nil }
        let sign: Int64 = v[i] == 45 ? -1 : 1
        i += 1
        func two() -> Int64? {
            guard i + 2 <= v.count, v[i] >= 48, v[i] <= 57, v[i + 1] >= 48, v[i + 1] <= 57 else { return nil }
            defer { i += 2 }
            return Int64(v[i] - 48) * 10 + Int64(v[i + 1] - 48)
        }
        guard let h = two() else { return nil }
        var m: Int64 = 0, s: Int64 = 0
        let parts = Array(spelling.utf8.dropFirst(3))   // after "-07"
        var k = 0
        var field = 0
        while k < parts.count {
            if parts[k] == 58 {
                guard i < v.count, v[i] == 58 else { return nil }
                i += 1
                k += 1
                continue
            }
            guard let x = two() else { return nil }
            if field == 0 { m = x } else { s = x }
            field += 1
            k += 2
        }
        return sign * (h * 3600 + m * 60 + s)
    }
}

/// A time zone read from the system's tzdata (TZif), for `location`.
final class TimeZoneData: @unchecked Sendable {
    let transitions: [Int64]
    let offsets: [Int64]     // offset in effect from each transition
    let initialOffset: Int64

    init?(name: String) {
        if name == "UTC" || name == "Etc/UTC" {
            transitions = []
            offsets = []
            initialOffset = 0
            return
        }
        guard !name.contains(".."), let bytes = try? FileIO.read("/usr/share/zoneinfo/" + name), bytes.count > 44,
              bytes.starts(with: Array("TZif".utf8)) else { return nil }
        func be32(_ o: Int) -> Int64 { Int64(Int32(bitPattern: UInt32(bytes[o]) << 24 | UInt32(bytes[o + 1]) << 16 | UInt32(bytes[o + 2]) << 8 | UInt32(bytes[o + 3]))) }
        func be64(_ o: Int) -> Int64 { var v: UInt64 = 0; for k in 0..<8 { v = v << 8 | UInt64(bytes[o + k]) }; return Int64(bitPattern: v) }
        func counts(_ o: Int) -> (Int, Int, Int, Int, Int, Int) {
            (Int(be32(o + 20)), Int(be32(o + 24)), Int(be32(o + 28)), Int(be32(o + 32)), Int(be32(o + 36)), Int(be32(o + 40)))
        }
        var base = 0
        var timeSize = 4
        let (isut, isstd, leap, timecnt, typecnt, charcnt) = counts(0)
        if bytes[4] >= UInt8(ascii: "2") {
            base = 44 + timecnt * 4 + timecnt + typecnt * 6 + charcnt + leap * 8 + isstd + isut
            timeSize = 8
        }
        let (_, _, _, tc, ty, _) = counts(base)
        var p = base + 44
        guard p + tc * timeSize + tc + ty * 6 <= bytes.count else { return nil }
        var times: [Int64] = []
        for k in 0..<tc { times.append(timeSize == 8 ? be64(p + k * 8) : be32(p + k * 4)) }
        p += tc * timeSize
        let idx = (0..<tc).map { Int(bytes[p + $0]) }
        p += tc
        var typeOffsets: [Int64] = []
        for k in 0..<ty { typeOffsets.append(be32(p + k * 6)) }
        transitions = times
        offsets = idx.map { $0 < typeOffsets.count ? typeOffsets[$0] : 0 }
        initialOffset = typeOffsets.first ?? 0
    }

    func offset(forUTC t: Int64) -> Int64 {
        var lo = 0, hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? initialOffset : offsets[lo - 1]
    }

    /// The offset for a wall-clock time in this zone (two passes, as Go does around transitions).
    func offset(forLocal local: Int64) -> Int64 {
        let first = offset(forUTC: local)
        return offset(forUTC: local - first)
    }
}
