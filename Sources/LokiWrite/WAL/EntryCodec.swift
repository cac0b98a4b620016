import LogCore

/// The payload of a WAL record: a batch of entries in a compact little-endian binary form.
///
///     u32 count, then per entry: i64 timestamp, u16 label count, (u16 name length, name, u32 value length, value)…,
///     u32 line length, line, u16 metadata count, (u16 name length, name, u32 value length, value)…
enum EntryCodec {
    struct Corrupt: Error {}

    static func encode(_ entries: [LogEntry]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.reduce(8) { $0 + $1.line.count + 64 })
        put32(UInt32(entries.count), &out)
        for e in entries {
            put64(UInt64(bitPattern: e.timestamp), &out)
            putPairs(e.labels.labels, &out)
            put32(UInt32(e.line.count), &out)
            out.append(contentsOf: e.line)
            putPairs(e.structuredMetadata, &out)
        }
        return out
    }

    static func decode(_ b: [UInt8]) throws(Corrupt) -> [LogEntry] {
        var i = 0
        func need(_ n: Int) throws(Corrupt) { if i + n > b.count { throw Corrupt() } }
        func u16() throws(Corrupt) -> Int { try need(2); defer { i += 2 }; return Int(b[i]) | Int(b[i + 1]) << 8 }
        func u32() throws(Corrupt) -> Int {
            try need(4); defer { i += 4 }
            return Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 | Int(b[i + 3]) << 24
        }
        func u64() throws(Corrupt) -> UInt64 {
            try need(8); defer { i += 8 }
            var v: UInt64 = 0
            for k in (0..<8).reversed() { v = v << 8 | UInt64(b[i + k]) }
            return v
        }
        func bytes(_ n: Int) throws(Corrupt) -> ArraySlice<UInt8> { try need(n); defer { i += n }; return b[i..<i + n] }
        func pairs() throws(Corrupt) -> [Label] {
            let n = try u16()
            var out: [Label] = []
            out.reserveCapacity(n)
            for _ in 0..<n {
                let name = String(decoding: try bytes(try u16()), as: UTF8.self)
                let value = String(decoding: try bytes(try u32()), as: UTF8.self)
                out.append(Label(name, value))
            }
            return out
        }
        let count = try u32()
        var entries: [LogEntry] = []
        entries.reserveCapacity(min(count, 1 << 20))
        for _ in 0..<count {
            let ts = Int64(bitPattern: try u64())
            let labels = try pairs()
            let line = Array(try bytes(try u32()))
            let sm = try pairs()
            var set = LabelSet()
            for l in labels { set[l.name] = l.value }
            entries.append(LogEntry(timestamp: ts, line: line, labels: set, structuredMetadata: sm))
        }
        guard i == b.count else { throw Corrupt() }
        return entries
    }

    private static func put16(_ v: Int, _ out: inout [UInt8]) { out.append(UInt8(v & 255)); out.append(UInt8(v >> 8 & 255)) }
    private static func put32(_ v: UInt32, _ out: inout [UInt8]) { for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(k)))) } }
    private static func put64(_ v: UInt64, _ out: inout [UInt8]) { for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(k)))) } }
    private static func putPairs(_ pairs: [Label], _ out: inout [UInt8]) {
        put16(pairs.count, &out)
        for p in pairs {
            let n = Array(p.name.utf8), v = Array(p.value.utf8)
            put16(n.count, &out)
            out.append(contentsOf: n)
            put32(UInt32(v.count), &out)
            out.append(contentsOf: v)
        }
    }
}
