import LogCore

/// The payload of a WAL record: a batch of entries in a compact little-endian binary form.
///
///     u32 count (bit 31 set: source marks follow), [marks], then per entry: i64 timestamp, labels,
///               u32 line length, line, metadata
///     marks:    u16 count, (u16 key length, key, u64 device, u64 inode, i64 resume, i64 through, i64 made,
///               u16 cursor length, cursor)…   — the source positions this record commits (`SourceMark`)
///     labels:   u16 count, (u16 name length, name, u32 value length, value)…   — or u16 0xFFFF: "the previous
///               entry's labels" (entries of one file share their set; decoding shares one `LabelSet` too)
///     metadata: u16 count, (u16 name length, name, u32 value length, value)…
enum EntryCodec {
    struct Corrupt: Error {}

    static let sameLabels = 0xFFFF
    static let hasMarks: UInt32 = 1 << 31

    /// Encodes the entries that are not `replayed` (those were delivered before a restart) and the marks; returns
    /// the payload and how many entries it holds.
    static func encode(_ entries: [LogEntry], marks: [SourceMark] = []) -> (payload: [UInt8], count: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(8) { $0 + $1.line.count + 24 } + 256)
        put32(0, &out)
        if !marks.isEmpty { putMarks(marks, &out) }
        var previous: LabelSet? = nil
        var count = 0
        for e in entries where !e.replayed {
            count += 1
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
        let head = UInt32(count) | (marks.isEmpty ? 0 : hasMarks)
        withUnsafeBytes(of: head.littleEndian) { h in for i in 0..<4 { out[i] = h[i] } }
        return (out, count)
    }

    /// Reads the count word and the marks of a payload, leaving `r` at the first entry.
    static func header(_ r: inout Reader) throws(Corrupt) -> (count: Int, marks: [SourceMark]) {
        let word = UInt32(try r.u32())
        guard word & hasMarks != 0 else { return (Int(word), []) }
        let n = try r.u16()
        var marks: [SourceMark] = []
        marks.reserveCapacity(n)
        for _ in 0..<n {
            let key = try r.string(try r.u16())
            let device = try r.u64(), inode = try r.u64()
            let resume = Int64(bitPattern: try r.u64()), through = Int64(bitPattern: try r.u64())
            let made = Int64(bitPattern: try r.u64())
            let cursor = try r.string(try r.u16())
            marks.append(SourceMark(key: key, device: device, inode: inode, resume: resume, through: through,
                                    cursor: cursor, made: made))
        }
        return (Int(word & ~hasMarks), marks)
    }

    /// The entry count and marks of a payload, without reading its entries.
    static func summary(_ payload: [UInt8]) throws(Corrupt) -> (count: Int, marks: [SourceMark]) {
        var result: (count: Int, marks: [SourceMark]) = (0, [])
        var failure: Corrupt? = nil
        payload.withUnsafeBytes { raw in
            var r = Reader(bytes: raw)
            do throws(Corrupt) { result = try header(&r) } catch { failure = error }
        }
        if let failure { throw failure }
        return result
    }

    private static func putMarks(_ marks: [SourceMark], _ out: inout [UInt8]) {
        put16(min(marks.count, sameLabels), &out)
        for m in marks.prefix(sameLabels) {
            var key = m.key, cursor = m.cursor
            key.withUTF8 { k in
                put16(min(k.count, 0xFFFF), &out)
                out.append(contentsOf: k.prefix(0xFFFF))
            }
            put64(m.device, &out)
            put64(m.inode, &out)
            put64(UInt64(bitPattern: m.resume), &out)
            put64(UInt64(bitPattern: m.through), &out)
            put64(UInt64(bitPattern: m.made), &out)
            cursor.withUTF8 { c in
                put16(min(c.count, 0xFFFF), &out)
                out.append(contentsOf: c.prefix(0xFFFF))
            }
        }
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
