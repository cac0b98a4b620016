import LogCore
import RE2

/// `stage.logfmt`: decodes `key=value key2="quoted value"` pairs and stores the mapped (or regex-matching) keys
/// in the extracted map as strings.
final class LogfmtStage: EntryStage {
    let mapping: [(String, String)]
    let regex: RE2?
    let source: String?

    init(_ a: inout some StageArguments) {
        mapping = (a.map("mapping") ?? [:]).map { ($0.key, $0.value.isEmpty ? $0.key : $0.value) }.sorted { $0.0 < $1.0 }
        regex = compile(a.string("regex"), &a, attribute: "regex")
        let s = a.string("source")
        source = (s?.isEmpty ?? true) ? nil : s
        if mapping.isEmpty && regex == nil { a.error("mapping or regex must be set", attribute: nil) }
    }

    /// Decodes logfmt pairs from bytes (a key without `=` has the value "").
    static func decode(_ b: UnsafeRawBufferPointer) -> [(String, String)] {
        var out: [(String, String)] = []
        var i = 0
        let n = b.count
        while i < n {
            while i < n && b[i] <= 32 { i += 1 }
            let ks = i
            while i < n && b[i] > 32 && b[i] != 61 && b[i] != 34 { i += 1 }
            let key = String(decoding: b[ks..<i], as: UTF8.self)
            if key.isEmpty { i += 1; continue }
            var value = ""
            if i < n && b[i] == 61 {
                i += 1
                if i < n && b[i] == 34 {
                    i += 1
                    let v = readQuoted(b, &i, quote: 34)
                    i += 1
                    value = String(decoding: v, as: UTF8.self)
                } else {
                    let vs = i
                    while i < n && b[i] > 32 { i += 1 }
                    value = String(decoding: b[vs..<i], as: UTF8.self)
                }
            }
            out.append((key, value))
        }
        return out
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        let pairs: [(String, String)]
        if let source {
            guard var v = e.extracted[source]?.stringValue else { return nil }
            pairs = v.withUTF8 { LogfmtStage.decode(UnsafeRawBufferPointer($0)) }
        } else {
            pairs = e.entry.line.withUnsafeBytes { LogfmtStage.decode($0) }
        }
        guard !pairs.isEmpty else { return nil }
        for (name, field) in mapping {
            if let v = pairs.last(where: { $0.0 == field })?.1 { e.extracted[name] = .string(v) }
        }
        if let regex {
            for (k, v) in pairs where regex.matches(k) { e.extracted[k] = .string(v) }
        }
        return nil
    }
}
