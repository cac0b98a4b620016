import LogCore

/// Entries of write-ahead log records as references into the records' bytes: what the sender needs to batch and
/// encode a push without building a `LogEntry` (and copying its line) per entry.
struct RecordEntries {
    /// One entry: where its line is, which label set and metadata it has.
    struct Ref {
        var timestamp: Int64
        var record: Int32
        var labels: Int32
        var metadata: Int32
        var lineStart: Int32
        var lineCount: Int32
    }

    var payloads: [[UInt8]] = []
    /// Distinct label sets, one per run of entries that share theirs.
    var labelSets: [LabelSet] = []
    /// Structured metadata lists; index 0 is the empty list.
    var metadata: [[Label]] = [[]]
    var entries: [Ref] = []

    /// Adds the entries of one record; a corrupt record adds nothing.
    mutating func add(_ payload: [UInt8]) throws(EntryCodec.Corrupt) {
        let record = Int32(payloads.count)
        let before = (labelSets.count, metadata.count, entries.count)
        var failure: EntryCodec.Corrupt? = nil
        payload.withUnsafeBytes { raw in
            do throws(EntryCodec.Corrupt) { try parse(raw, record: record) } catch { failure = error }
        }
        if let failure {
            labelSets.removeLast(labelSets.count - before.0)
            metadata.removeLast(metadata.count - before.1)
            entries.removeLast(entries.count - before.2)
            throw failure
        }
        payloads.append(payload)
    }

    private mutating func parse(_ raw: UnsafeRawBufferPointer, record: Int32) throws(EntryCodec.Corrupt) {
        var r = EntryCodec.Reader(bytes: raw)
        let count = try EntryCodec.header(&r).count
        entries.reserveCapacity(entries.count + min(count, r.remaining / 15))
        var current: Int32 = -1
        for _ in 0..<count {
            let ts = Int64(bitPattern: try r.u64())
            if try r.peek16() == EntryCodec.sameLabels {
                _ = try r.u16()
                guard current >= 0 else { throw EntryCodec.Corrupt() }
            } else {
                labelSets.append(LabelSet(try r.pairs()))
                current = Int32(labelSets.count - 1)
            }
            let length = try r.u32()
            let start = r.i
            try r.skip(length)
            let pairs = try r.pairs()
            var meta: Int32 = 0
            if !pairs.isEmpty {
                metadata.append(pairs)
                meta = Int32(metadata.count - 1)
            }
            entries.append(Ref(timestamp: ts, record: record, labels: current, metadata: meta,
                               lineStart: Int32(start), lineCount: Int32(length)))
        }
        guard r.remaining == 0 else { throw EntryCodec.Corrupt() }
    }

    /// Calls `body` with the bytes of an entry's line.
    @inline(__always)
    func withLine<R>(_ e: Ref, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        payloads[Int(e.record)].withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[Int(e.lineStart)..<Int(e.lineStart + e.lineCount)])) }
    }
}
