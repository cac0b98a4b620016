import LogCore

/// `stage.truncate`: cuts the line, labels, structured metadata or extracted values longer than a limit
/// (bytewise) and appends a suffix; records the touched kinds in extracted `truncated`.
final class TruncateStage: EntryStage {
    struct Rule {
        var limit: Int
        var suffix: [UInt8]
        var sources: Set<String>
        var kind: String
    }
    let rules: [Rule]

    init(_ a: inout some StageArguments) {
        var rs: [Rule] = []
        for var r in a.blocks("rule") {
            let limit = Int(r.byteSize("limit") ?? 0)
            let suffix = r.string("suffix") ?? ""
            let sources = Set(r.strings("sources") ?? [])
            let kind = r.string("source_type") ?? "line"
            if limit <= 0 { r.error("limit must be greater than 0", attribute: "limit") }
            if suffix.utf8.count >= limit && limit > 0 { r.error("suffix must be shorter than limit", attribute: "suffix") }
            if !["line", "label", "structured_metadata", "extracted"].contains(kind) { r.error("unknown source_type \"\(kind)\"", attribute: "source_type") }
            if kind == "line" && !sources.isEmpty { r.error("sources cannot be set for source_type line", attribute: "sources") }
            rs.append(Rule(limit: limit, suffix: Array(suffix.utf8), sources: sources, kind: kind))
            a.absorb(&r)
        }
        if rs.isEmpty { a.error("at least one rule block is required", attribute: nil) }
        rules = rs
    }

    private func cut(_ b: [UInt8], _ r: Rule) -> [UInt8]? {
        guard b.count > r.limit else { return nil }
        return Array(b.prefix(r.limit - r.suffix.count)) + r.suffix
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        var touched = Set<String>()
        for r in rules {
            switch r.kind {
            case "line":
                if let c = cut(e.entry.line, r) { e.entry.line = c; touched.insert("line") }
            case "label":
                for l in e.entry.labels.labels where r.sources.isEmpty || r.sources.contains(l.name) {
                    if let c = cut(Array(l.value.utf8), r) { e.entry.labels[l.name] = String(decoding: c, as: UTF8.self); touched.insert("label") }
                }
            case "structured_metadata":
                for i in e.entry.structuredMetadata.indices where r.sources.isEmpty || r.sources.contains(e.entry.structuredMetadata[i].name) {
                    if let c = cut(Array(e.entry.structuredMetadata[i].value.utf8), r) {
                        e.entry.structuredMetadata[i].value = String(decoding: c, as: UTF8.self)
                        touched.insert("structured_metadata")
                    }
                }
            default:
                for k in e.extracted.keys where r.sources.isEmpty || r.sources.contains(k) {
                    var text: [UInt8]? = nil
                    switch e.extracted[k] {
                    case .string(let s)?: text = Array(s.utf8)
                    case .bytes(let b)?: text = b
                    case .slice(let b)?: text = Array(b)
                    default: break
                    }
                    if let t = text, let c = cut(t, r) {
                        e.extracted[k] = .string(String(decoding: c, as: UTF8.self))
                        touched.insert("extracted")
                    }
                }
            }
        }
        if !touched.isEmpty {
            var all = touched
            if case .string(let prior)? = e.extracted["truncated"] { all.formUnion(prior.split(separator: ",").map(String.init)) }
            e.extracted["truncated"] = .string(all.sorted().joined(separator: ","))
            for f in touched { ctx.metrics.truncatedField(f) }
        }
        return nil
    }
}
