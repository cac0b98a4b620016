import Codecs
import LogCore

/// Writes Loki's JSON push body straight into one byte buffer:
/// `{"streams":[{"stream":{…},"values":[["<ns>","<line>",{…}],…]},…]}`.
///
/// Strings are escaped by `JSONString` in its minimal style (eight bytes at a time where nothing needs escaping;
/// invalid UTF-8 replaced by U+FFFD), so the body is always valid JSON whatever a line holds.
struct PushEncoder {

    /// Appends `bytes` as a JSON string literal, straight into the body.
    @inline(__always)
    static func appendString(_ bytes: UnsafeRawBufferPointer, to out: ByteWriter) {
        var out = out
        JSONString.append(bytes, to: &out)
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

    /// A stream whose entries are references into write-ahead log records.
    struct RefStream {
        var labels: LabelSet
        var entries: [RecordEntries.Ref]
    }

    /// The JSON body `{"streams":[{"stream":{…},"values":[…]},…]}` for streams of record references, lines
    /// copied straight from the records' bytes into a buffer the caller compresses from.
    func write(_ streams: [RefStream], from source: RecordEntries) -> ByteWriter {
        let out = ByteWriter(capacity: streams.reduce(64) { $0 + $1.entries.reduce(64) { $0 + Int($1.lineCount) + 40 } })
        out.write(#"{"streams":["#)
        for (si, s) in streams.enumerated() {
            if si > 0 { out.write(44) }
            appendStreamHead(s.labels, to: out)
            for (ei, e) in s.entries.enumerated() {
                if ei > 0 { out.write(44) }
                source.withLine(e) { appendEntry(e.timestamp, $0, source.metadata[Int(e.metadata)], to: out) }
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
