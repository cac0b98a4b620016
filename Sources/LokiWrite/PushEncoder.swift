import LogCore

/// Writes Loki's JSON push body straight into one byte buffer:
/// `{"streams":[{"stream":{…},"values":[["<ns>","<line>",{…}],…]},…]}`.
///
/// Escaping works on bytes, eight at a time where nothing needs escaping: `"` and `\` escaped, control bytes as `\n`, `\t`, `\r` or `\u00XX`,
/// and invalid UTF-8 sequences replaced by U+FFFD, so the body is always valid JSON whatever a line holds.
public struct PushEncoder {
    /// One stream of the request: its labels (reserved `__` labels are left out) and its entries, in order.
    public struct Stream {
        public var labels: LabelSet
        public var entries: [LogEntry]
        public init(labels: LabelSet, entries: [LogEntry]) {
            self.labels = labels
            self.entries = entries
        }
    }

    public init() {}

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` as a JSON string literal.
    public static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        let w = ByteWriter(capacity: bytes.count + 16)
        bytes.withUnsafeBytes { appendString($0, to: w) }
        out.append(contentsOf: w.bytes)
    }

    /// Appends `bytes` as a JSON string literal. Runs of bytes that need no escaping (printable ASCII other than
    /// `"` and `\`) are found eight at a time and copied in one piece.
    static func appendString(_ bytes: UnsafeRawBufferPointer, to out: ByteWriter) {
        out.write(34)
        let n = bytes.count
        var run = 0
        var i = 0
        while i < n {
            i = plainPrefixEnd(bytes, from: i)
            if i >= n { break }
            if run < i { out.write(UnsafeRawBufferPointer(rebasing: bytes[run..<i])) }
            let b = bytes[i]
            if b < 0x80 {
                appendEscape(b, to: out)
                i += 1
            } else {
                let len = TextHelpers.utf8SequenceLength(bytes, i)
                if len == 0 {
                    out.write(0xEF, 0xBF)
                    out.write(0xBD)
                    i += 1
                } else {
                    out.write(UnsafeRawBufferPointer(rebasing: bytes[i..<i + len]))
                    i += len
                }
            }
            run = i
        }
        if run < n { out.write(UnsafeRawBufferPointer(rebasing: bytes[run..<n])) }
        out.write(34)
    }

    /// Index of the first byte at or after `start` that is not plain printable ASCII (or `bytes.count`).
    @inline(__always)
    private static func plainPrefixEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        let n = bytes.count
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte is special if < 0x20, == '"', == '\\' or >= 0x80 (classic "has zero / has less" bit tricks;
            // borrows only flag bytes above a real hit, and the lowest flagged byte is the one returned).
            let control = (w &- ones &* 0x20) & ~w
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special = (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | w) & highs
            if special != 0 { return i + (special.trailingZeroBitCount >> 3) }
            i += 8
        }
        while i < n {
            let b = bytes[i]
            if b < 0x20 || b == 34 || b == 92 || b >= 0x80 { return i }
            i += 1
        }
        return n
    }

    @inline(__always)
    private static func appendEscape(_ b: UInt8, to out: ByteWriter) {
        switch b {
        case 34: out.write(92, 34)
        case 92: out.write(92, 92)
        case 10: out.write(92, 110)
        case 13: out.write(92, 114)
        case 9: out.write(92, 116)
        default:
            out.write(92, 117)
            out.write(48, 48)
            out.write(hex[Int(b >> 4)], hex[Int(b & 15)])
        }
    }

    /// Appends a non-negative or negative integer in decimal.
    static func appendDecimal(_ v: Int64, to out: ByteWriter) {
        if v < 0 { out.write(45) }
        var x = v.magnitude
        var digits = 1
        var p: UInt64 = 10
        while digits < 20 && x >= p {
            digits += 1
            if p > UInt64.max / 10 { break }
            p *= 10
        }
        out.reserve(digits)
        var k = out.count + digits - 1
        repeat {
            out.base.storeBytes(of: UInt8(48 + x % 10), toByteOffset: k, as: UInt8.self)
            x /= 10
            k -= 1
        } while x > 0
        out.skip(digits)
    }

    /// The JSON body for `streams`.
    public func encode(_ streams: [Stream]) -> [UInt8] {
        write(streams).array
    }

    /// The JSON body for `streams`, in a writer the caller compresses from without another copy.
    func write(_ streams: [Stream]) -> ByteWriter {
        writeBody(streams, capacity: streams.reduce(64) { $0 + $1.entries.reduce(64) { $0 + $1.line.count + 40 } },
                  labels: \.labels, count: \.entries.count) { s, i, out in
            let e = s.entries[i]
            e.line.withUnsafeBytes { appendEntry(e.timestamp, $0, e.structuredMetadata, to: out) }
        }
    }

    /// A stream whose entries are references into write-ahead log records.
    struct RefStream {
        var labels: LabelSet
        var entries: [RecordEntries.Ref]
    }

    /// The JSON body for streams of record references, lines copied straight from the records' bytes.
    func write(_ streams: [RefStream], from source: RecordEntries) -> ByteWriter {
        writeBody(streams, capacity: streams.reduce(64) { $0 + $1.entries.reduce(64) { $0 + Int($1.lineCount) + 40 } },
                  labels: \.labels, count: \.entries.count) { s, i, out in
            let e = s.entries[i]
            source.withLine(e) { appendEntry(e.timestamp, $0, source.metadata[Int(e.metadata)], to: out) }
        }
    }

    /// `{"streams":[{"stream":{…},"values":[…]},…]}` for any stream type; `entry` writes one entry's array.
    @inline(__always)
    private func writeBody<S>(_ streams: [S], capacity: Int, labels: (S) -> LabelSet, count: (S) -> Int,
                              entry: (S, Int, ByteWriter) -> Void) -> ByteWriter {
        let out = ByteWriter(capacity: capacity)
        out.write(#"{"streams":["#)
        for (si, s) in streams.enumerated() {
            if si > 0 { out.write(44) }
            appendStreamHead(labels(s), to: out)
            for ei in 0..<count(s) {
                if ei > 0 { out.write(44) }
                entry(s, ei, out)
            }
            out.write(93, 125)
        }
        out.write(93, 125)
        return out
    }

    /// `{"stream":{…},"values":[` — reserved `__` labels left out.
    private func appendStreamHead(_ labels: LabelSet, to out: ByteWriter) {
        out.write(#"{"stream":{"#)
        var first = true
        for l in labels.labels where !l.name.hasPrefix("__") {
            if !first { out.write(44) }
            first = false
            appendText(l.name, to: out)
            out.write(58)
            appendText(l.value, to: out)
        }
        out.write(#"},"values":["#)
    }

    /// `["<ns>","<line>"]`, or with `,{metadata}` before the closing bracket.
    @inline(__always)
    private func appendEntry(_ timestamp: Int64, _ line: UnsafeRawBufferPointer, _ metadata: [Label], to out: ByteWriter) {
        out.write(91, 34)
        PushEncoder.appendDecimal(timestamp, to: out)
        out.write(34, 44)
        PushEncoder.appendString(line, to: out)
        if !metadata.isEmpty {
            out.write(44, 123)
            for (mi, m) in metadata.enumerated() {
                if mi > 0 { out.write(44) }
                appendText(m.name, to: out)
                out.write(58)
                appendText(m.value, to: out)
            }
            out.write(125)
        }
        out.write(93)
    }

    private func appendText(_ text: String, to out: ByteWriter) {
        var text = text
        text.withUTF8 { PushEncoder.appendString(UnsafeRawBufferPointer($0), to: out) }
    }
}
