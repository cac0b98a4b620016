import Codecs
import LogCore

/// The character encoding of a tailed file; lines are always forwarded as UTF-8.
public enum TextEncoding: Sendable, Equatable {
    case utf8
    case utf16LE
    case utf16BE
    case latin1

    /// Parses an `encoding` argument (IANA names, case-insensitive). `""` means UTF-8 (bytes passed through,
    /// invalid sequences replaced). `UTF-16` without an order means big-endian unless a BOM says otherwise.
    public init?(name: String) {
        switch name.lowercased().replacingUnderscores {
        case "", "utf-8", "utf8": self = .utf8
        case "utf-16", "utf16", "utf-16be", "utf16be": self = .utf16BE
        case "utf-16le", "utf16le": self = .utf16LE
        case "iso-8859-1", "iso8859-1", "latin1", "l1", "iso_8859-1", "us-ascii", "ascii": self = .latin1
        default: return nil
        }
    }

    /// Bytes per code unit: where a line feed may start.
    var unitWidth: Int { self == .utf16LE || self == .utf16BE ? 2 : 1 }

    /// Detects a byte-order mark at the start of a file: (encoding it forces, BOM length).
    static func byteOrderMark(_ prefix: [UInt8]) -> (TextEncoding?, Int) {
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { return (.utf8, 3) }
        if prefix.starts(with: [0x00, 0x00, 0xFE, 0xFF]) || prefix.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return (nil, 4) }
        if prefix.starts(with: [0xFE, 0xFF]) { return (.utf16BE, 2) }
        if prefix.starts(with: [0xFF, 0xFE]) { return (.utf16LE, 2) }
        return (nil, 0)
    }
}

private extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? "-" : $0 }) }
}

/// Converting one line's bytes into UTF-8, replacing what cannot be decoded with U+FFFD.
enum LineDecoder {
    static let replacement = UTF8Bytes.replacement

    /// Returns the UTF-8 line and whether anything had to be replaced. `line` excludes the line feed.
    static func decode(_ line: UnsafeRawBufferPointer, _ encoding: TextEncoding) -> ([UInt8], Bool) {
        switch encoding {
        case .utf8:
            if UTF8Bytes.isValid(line) { return (Array(line), false) }
            return (UTF8Bytes.repaired(line), true)
        case .latin1:
            var out: [UInt8] = []
            out.reserveCapacity(line.count + line.count / 4)
            for b in line {
                if b < 0x80 { out.append(b) } else { out.append(0xC0 | (b >> 6)); out.append(0x80 | (b & 0x3F)) }
            }
            return (out, false)
        case .utf16LE, .utf16BE:
            return decodeUTF16(line, bigEndian: encoding == .utf16BE)
        }
    }

    static func decodeUTF16(_ b: UnsafeRawBufferPointer, bigEndian: Bool) -> ([UInt8], Bool) {
        var out: [UInt8] = []
        out.reserveCapacity(b.count / 2 + 4)
        var replaced = false
        var i = 0
        func unit(_ k: Int) -> UInt32 {
            bigEndian ? UInt32(b[k]) << 8 | UInt32(b[k + 1]) : UInt32(b[k + 1]) << 8 | UInt32(b[k])
        }
        func append(_ v: UInt32) {
            if let s = Unicode.Scalar(v) { out += Array(String(s).utf8) } else { out += replacement; replaced = true }
        }
        while i + 1 < b.count {
            let u = unit(i)
            i += 2
            if u >= 0xD800 && u < 0xDC00 {
                if i + 1 < b.count {
                    let lo = unit(i)
                    if lo >= 0xDC00 && lo < 0xE000 {
                        i += 2
                        append(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00))
                        continue
                    }
                }
                out += replacement
                replaced = true
            } else if u >= 0xDC00 && u < 0xE000 {
                out += replacement
                replaced = true
            } else {
                append(u)
            }
        }
        if i < b.count { out += replacement; replaced = true }
        return (out, replaced)
    }
}
