/// Sizes written with base-2 units, as Alloy reads them (`alecthomas/units.ParseBase2Bytes`): `"1MiB"`, `"8KB"`
/// (`KB` = 1024), `"1.5GiB"`, `"1MiB512KiB"`; a bare number other than `0` has no unit and is refused.
public enum Base2Bytes {
    private static let units: [String: Double] = [
        "B": 1,
        "KB": 0x1p10, "KiB": 0x1p10, "MB": 0x1p20, "MiB": 0x1p20, "GB": 0x1p30, "GiB": 0x1p30,
        "TB": 0x1p40, "TiB": 0x1p40, "PB": 0x1p50, "PiB": 0x1p50, "EB": 0x1p60, "EiB": 0x1p60,
    ]

    /// The size in bytes; a size beyond what 64 bits hold is an error, not a wrap or a trap.
    public static func parse(_ text: String) throws(CodecError) -> Int64 {
        if text == "0" { return 0 }
        var b = Array(text.utf8)[...]
        var neg = false
        if let f = b.first, f == 45 || f == 43 {
            neg = f == 45
            b = b.dropFirst()
        }
        if b.isEmpty { throw CodecError("units: invalid size " + GoQuote.quoted(text)) }
        var total = 0.0
        while !b.isEmpty {
            let numberEnd = b.firstIndex { !(($0 >= 48 && $0 <= 57) || $0 == 46) } ?? b.endIndex
            guard numberEnd > b.startIndex, let number = Double(String(decoding: b[..<numberEnd], as: UTF8.self)) else {
                throw CodecError("units: invalid size " + GoQuote.quoted(text))
            }
            let unitEnd = b[numberEnd...].firstIndex { ($0 >= 48 && $0 <= 57) || $0 == 46 } ?? b.endIndex
            let unit = String(decoding: b[numberEnd..<unitEnd], as: UTF8.self)
            guard let scale = units[unit] else { throw CodecError("units: unknown unit \(unit) in \(text)") }
            total += number * scale
            b = b[unitEnd...]
        }
        guard total < 0x1p63 else { throw CodecError("units: size " + GoQuote.quoted(text) + " is larger than 8EiB") }
        return Int64(neg ? -total : total)
    }
}
