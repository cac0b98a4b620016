import LogCore

/// The payload of a WAL record: a batch of entries in a compact little-endian binary form.
///
///     u32 count, then per entry: i64 timestamp, labels, u32 line length, line, metadata
///     labels:   u16 count, (u16 name length, name, u32 value length, value)…   — or u16 0xFFFF: "the previous
///               entry's labels" (entries of one file share their set; decoding shares one `LabelSet` too)
///     metadata: u16 count, (u16 name length, name, u32 value length, value)…
enum EntryCodec {
    struct Corrupt: Error {}

    static let sameLabels = 0xFFFF

    static func encode(_ entries: [LogEntry]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(8) { $0 + $1.line.count + 24 } + 256)
        put32(UInt32(entries.count), &out)
        var previous: LabelSet? = nil
        for e in entries {
            put64(UInt64(bitPattern: e.timestamp), &out)
            if previous == e.labels {
                put16(sameLabels, &out)
            } else {
                putPairs(e.labels.labels, &out)
                previous = e.labels
            }
            put32(UInt32(e.line.count), &out)
            out.append(contentsOf: e.line)
            putPairs(e.structuredMetadata, &out)
        }
        return out
    }

    /// Bounds-checked little-endian reads over a record's bytes.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var i = 0
        var remaining: Int { bytes.count - i }

        mutating func need(_ n: Int) throws(Corrupt) { if n < 0 || i + n > bytes.count { throw Corrupt() } }
        func peek16() throws(Corrupt) -> Int {
            if i + 2 > bytes.count { throw Corrupt() }
            return Int(bytes[i]) | Int(bytes[i + 1]) << 8
        }
        mutating func u16() throws(Corrupt) -> Int { let v = try peek16(); i += 2; return v }
        mutating func u32() throws(Corrupt) -> Int {
            try need(4)
            defer { i += 4 }
            return Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
        }
        mutating func u64() throws(Corrupt) -> UInt64 {
            try need(8)
            defer { i += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        }
        mutating func skip(_ n: Int) throws(Corrupt) {
            try need(n)
            i += n
        }
        mutating func string(_ n: Int) throws(Corrupt) -> String {
            try need(n)
            defer { i += n }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<i + n]), as: UTF8.self)
        }
        mutating func pairs() throws(Corrupt) -> [Label] {
            let n = try u16()
            if n == 0 { return [] }
            var out: [Label] = []
            out.reserveCapacity(n)
            for _ in 0..<n {
                let name = try string(try u16())
                let value = try string(try u32())
                out.append(Label(name, value))
            }
            return out
        }
    }

    private static func put16(_ v: Int, _ out: inout [UInt8]) { out.append(UInt8(v & 255)); out.append(UInt8(v >> 8 & 255)) }
    private static func put32(_ v: UInt32, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
    private static func put64(_ v: UInt64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }
    private static func putPairs(_ pairs: [Label], _ out: inout [UInt8]) {
        put16(min(pairs.count, sameLabels - 1), &out)
        for p in pairs.prefix(sameLabels - 1) {
            var name = p.name, value = p.value
            name.withUTF8 { n in
                put16(n.count, &out)
                out.append(contentsOf: n)
            }
            value.withUTF8 { v in
                put32(UInt32(v.count), &out)
                out.append(contentsOf: v)
            }
        }
    }
}
