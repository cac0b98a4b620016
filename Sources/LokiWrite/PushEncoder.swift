import LogCore

/// Writes Loki's JSON push body straight into one byte buffer:
/// `{"streams":[{"stream":{…},"values":[["<ns>","<line>",{…}],…]},…]}`.
///
/// Escaping is done by table lookup on bytes: `"` and `\` escaped, control bytes as `\n`, `\t`, `\r` or `\u00XX`,
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

    /// 0: byte passes as it is; 1: needs an escape; 2: start of a multi-byte UTF-8 sequence (validate).
    private static let classes: [UInt8] = (0..<256).map { b in
        if b < 0x20 || b == 34 || b == 92 { return 1 }
        if b >= 0x80 { return 2 }
        return 0
    }
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends `bytes` as a JSON string literal.
    public static func appendString<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8, C.Index == Int {
        out.append(34)
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            switch classes[Int(b)] {
            case 0:
                out.append(b)
                i += 1
            case 1:
                switch b {
                case 34: out.append(contentsOf: [92, 34])
                case 92: out.append(contentsOf: [92, 92])
                case 10: out.append(contentsOf: [92, 110])
                case 13: out.append(contentsOf: [92, 114])
                case 9: out.append(contentsOf: [92, 116])
                default: out.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
                }
                i += 1
            default:
                let n = TextHelpers.utf8SequenceLength(bytes, i)
                if n == 0 {
                    out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    i += 1
                } else {
                    out.append(contentsOf: bytes[i..<i + n])
                    i += n
                }
            }
        }
        out.append(34)
    }

    static func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 {
            out.append(45)
            out.append(contentsOf: Array(String(v.magnitude).utf8))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(48 + x % 10)
                x /= 10
                n += 1
            } while x > 0
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    /// The JSON body for `streams`.
    public func encode(_ streams: [Stream]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(streams.reduce(64) { $0 + $1.entries.reduce(64) { $0 + $1.line.count + 40 } })
        out.append(contentsOf: Array(#"{"streams":["#.utf8))
        for (si, s) in streams.enumerated() {
            if si > 0 { out.append(44) }
            out.append(contentsOf: Array(#"{"stream":{"#.utf8))
            var first = true
            for l in s.labels.labels where !l.name.hasPrefix("__") {
                if !first { out.append(44) }
                first = false
                PushEncoder.appendString(Array(l.name.utf8), to: &out)
                out.append(58)
                PushEncoder.appendString(Array(l.value.utf8), to: &out)
            }
            out.append(contentsOf: Array(#"},"values":["#.utf8))
            for (ei, e) in s.entries.enumerated() {
                if ei > 0 { out.append(44) }
                out.append(contentsOf: [91, 34])
                PushEncoder.appendDecimal(e.timestamp, to: &out)
                out.append(contentsOf: [34, 44])
                PushEncoder.appendString(e.line, to: &out)
                if !e.structuredMetadata.isEmpty {
                    out.append(contentsOf: [44, 123])
                    for (mi, m) in e.structuredMetadata.enumerated() {
                        if mi > 0 { out.append(44) }
                        PushEncoder.appendString(Array(m.name.utf8), to: &out)
                        out.append(58)
                        PushEncoder.appendString(Array(m.value.utf8), to: &out)
                    }
                    out.append(125)
                }
                out.append(93)
            }
            out.append(contentsOf: [93, 125])
        }
        out.append(contentsOf: [93, 125])
        return out
    }
}
