/// UTF-8 checks and repair on raw bytes, for lines read from files and the journal.
public enum UTF8Bytes {
    /// U+FFFD, what each invalid byte becomes.
    public static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

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
            let l = TextHelpers.utf8SequenceLength(b, i)
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
            let l = TextHelpers.utf8SequenceLength(b, i)
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
}
