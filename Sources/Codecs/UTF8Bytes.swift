/// UTF-8 on raw bytes: sequence lengths, decoding, validation and repair, judged as Go's `unicode/utf8` does
/// (overlong forms, surrogates and values above U+10FFFF are invalid).
public enum UTF8Bytes {
    /// U+FFFD, what each invalid byte becomes when a text is repaired.
    public static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Length of the valid UTF-8 sequence starting at `i` (1 for ASCII), or 0 when it is invalid.
    @inlinable
    public static func sequenceLength<C: Collection>(_ b: C, _ i: Int) -> Int where C.Element == UInt8, C.Index == Int {
        let end = b.endIndex
        @inline(__always) func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            i + k < end && b[i + k] >= lo && b[i + k] <= hi
        }
        switch b[i] {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE, 0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    /// The scalar starting at `i` and its width in bytes; nil and width 1 for an invalid sequence.
    @inlinable
    public static func decode<C: Collection>(_ b: C, at i: Int) -> (scalar: UInt32?, width: Int) where C.Element == UInt8, C.Index == Int {
        let n = sequenceLength(b, i)
        switch n {
        case 1: return (UInt32(b[i]), 1)
        case 2: return (UInt32(b[i] & 0x1F) << 6 | UInt32(b[i + 1] & 0x3F), 2)
        case 3: return (UInt32(b[i] & 0x0F) << 12 | UInt32(b[i + 1] & 0x3F) << 6 | UInt32(b[i + 2] & 0x3F), 3)
        case 4:
            return (UInt32(b[i] & 0x07) << 18 | UInt32(b[i + 1] & 0x3F) << 12 | UInt32(b[i + 2] & 0x3F) << 6 | UInt32(b[i + 3] & 0x3F), 4)
        default: return (nil, 1)
        }
    }

    /// Whether every byte is ASCII (eight at a time).
    @inlinable
    public static func isASCII(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = b.count
        while i + 8 <= n {
            if b.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if b[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Whether `b` is valid UTF-8.
    @inlinable
    public static func isValid(_ b: UnsafeRawBufferPointer) -> Bool {
        if isASCII(b) { return true }
        var i = 0
        while i < b.count {
            let l = sequenceLength(b, i)
            if l == 0 { return false }
            i += l
        }
        return true
    }

    /// `b` with each invalid byte replaced by U+FFFD.
    public static func repaired(_ b: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 8)
        var i = 0
        while i < b.count {
            let l = sequenceLength(b, i)
            if l == 0 {
                out += replacement
                i += 1
            } else {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[i..<i + l]))
                i += l
            }
        }
        return out
    }

    /// Appends the UTF-8 encoding of a scalar.
    @inlinable
    public static func append(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let v = scalar.value
        switch v {
        case 0..<0x80: out.append(UInt8(v))
        case 0x80..<0x800: out += [UInt8(0xC0 | v >> 6), UInt8(0x80 | v & 0x3F)]
        case 0x800..<0x10000: out += [UInt8(0xE0 | v >> 12), UInt8(0x80 | v >> 6 & 0x3F), UInt8(0x80 | v & 0x3F)]
        default: out += [UInt8(0xF0 | v >> 18), UInt8(0x80 | v >> 12 & 0x3F), UInt8(0x80 | v >> 6 & 0x3F), UInt8(0x80 | v & 0x3F)]
        }
    }
}
