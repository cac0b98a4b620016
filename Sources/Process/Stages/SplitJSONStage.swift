import Codecs
import LogCore

/// `stage.split_json`: when the line (or an extracted value) is a JSON array, emits one entry per element with the
/// element's own JSON text as the line (not re-encoded), each with its own copy of labels and extracted values.
final class SplitJSONStage: Stage {
    let source: String?

    init(_ a: inout some StageArguments) {
        source = a.string("source")
        if a.has("source") && source == "" { a.error("source cannot be empty", attribute: "source") }
    }

    /// Byte ranges of the top-level elements of a JSON array, or nil when `b` is not one.
    static func elements(_ b: UnsafeRawBufferPointer) -> [Range<Int>]? {
        var i = 0
        while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
        guard i < b.count, b[i] == 91, (try? JSON.parse(b)) != nil else { return nil }
        var out: [Range<Int>] = []
        var depth = 0
        var inString = false
        var start = -1
        i += 1
        while i < b.count {
            let c = b[i]
            if inString {
                if c == 92 { i += 2; continue }
                if c == 34 { inString = false }
                i += 1
                continue
            }
            switch c {
            case 34:
                inString = true
                if start < 0 { start = i }
            case 91, 123:
                if start < 0 { start = i }
                depth += 1
            case 93, 125:
                if depth == 0 {
                    if start >= 0 { out.append(start..<trimEnd(b, i)) }
                    return out
                }
                depth -= 1
            case 44 where depth == 0:
                out.append(start..<trimEnd(b, i))
                start = -1
            case 32, 9, 10, 13:
                break
            default:
                if start < 0 { start = i }
            }
            i += 1
        }
        return nil
    }

    private static func trimEnd(_ b: UnsafeRawBufferPointer, _ end: Int) -> Int {
        var e = end
        while e > 0, b[e - 1] == 32 || b[e - 1] == 9 || b[e - 1] == 10 || b[e - 1] == 13 { e -= 1 }
        return e
    }

    func process(_ entries: inout [ProcessEntry], _ ctx: PipelineContext) {
        let input = entries
        var out: [ProcessEntry] = []
        out.reserveCapacity(input.count)
        defer { entries = out }
        for e in input {
            let text: [UInt8]
            if let source {
                guard let v = e.extracted[source]?.stringValue else { out.append(e); continue }
                text = Array(v.utf8)
            } else {
                text = e.entry.line
            }
            let parts: [[UInt8]]? = text.withUnsafeBytes { raw in
                SplitJSONStage.elements(raw).map { ranges in ranges.map { Array(raw[$0]) } }
            }
            guard let parts else { out.append(e); continue }
            for p in parts {
                var copy = e
                copy.entry.line = p
                out.append(copy)
            }
        }
    }
}
