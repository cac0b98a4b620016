import LogCore
import Relabel

/// `stage.decolorize`: removes ANSI escape sequences (colours, cursor movement) from the line.
final class DecolorizeStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    init(_ a: inout some StageArguments) {}

    static func strip(_ b: [UInt8]) -> [UInt8] {
        guard b.contains(0x1B) || b.contains(0xC2) else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            var introducer = 0
            if b[i] == 0x1B { introducer = 1 } else if b[i] == 0xC2, i + 1 < b.count, b[i + 1] == 0x9B { introducer = 2 }
            guard introducer > 0 else {
                out.append(b[i])
                i += 1
                continue
            }
            var j = i + introducer
            while j < b.count, [UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "#"), UInt8(ascii: ";"), UInt8(ascii: "?")].contains(b[j]) { j += 1 }
            // OSC: … BEL
            if let bel = b[j...].firstIndex(of: 0x07), b[j..<bel].allSatisfy({ $0 >= 0x20 && $0 != 0x1B }), j > i + introducer, b[i + introducer] == UInt8(ascii: "]") {
                i = bel + 1
                continue
            }
            // CSI parameters: \d{1,4}(;\d{0,4})* then a final byte.
            var k = j
            while k < b.count, (b[k] >= 48 && b[k] <= 57) || b[k] == 59 { k += 1 }
            if k < b.count, DecolorizeStage.isFinal(b[k]) {
                i = k + 1
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }

    /// `[\dA-PRZcf-ntqry=><~]`: the bytes that end a CSI sequence.
    static func isFinal(_ c: UInt8) -> Bool {
        switch c {
        case 48...57, 65...80, 82, 90, 99, 102...110, 116, 113, 114, 121, 61, 62, 60, 126: return true
        default: return false
        }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        e.entry.line = DecolorizeStage.strip(e.entry.line)
        return nil
    }
}

/// `stage.sampling`: keeps each entry with probability `rate`.
final class SamplingStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    let rate: Double
    let reason: String
    init(_ a: inout some StageArguments) {
        rate = a.double("rate") ?? 1
        reason = a.string("drop_counter_reason") ?? "sampling_stage"
        if !a.has("rate") { a.error("missing required attribute \"rate\"", attribute: nil) }
        if rate < 0 || rate > 1 { a.error("rate must be between 0 and 1", attribute: "rate") }
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        Double.random(in: 0..<1) < rate ? nil : reason
    }
}

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

/// `stage.pack`: packs the listed labels/extracted values and the line into a JSON object
/// (`{"k":"v",…,"_entry":"<line>"}`), removing those labels.
final class PackStage: EntryStage {
    let names: [String]
    let ingestTimestamp: Bool
    init(_ a: inout some StageArguments) {
        names = (a.strings("labels") ?? []).sorted()
        ingestTimestamp = a.bool("ingest_timestamp") ?? true
        if !a.has("labels") { a.error("missing required attribute \"labels\"", attribute: nil) }
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        var out: [UInt8] = [123]
        for n in names {
            guard let v = e.extracted[n]?.stringValue else { continue }
            JSON.writeString(n, &out)
            out.append(58)
            JSON.writeString(v, &out)
            out.append(44)
            e.entry.labels[n] = nil
        }
        JSON.writeString("_entry", &out)
        out.append(58)
        JSON.writeString(String(decoding: e.entry.line, as: UTF8.self), &out)
        out.append(125)
        e.entry.line = out
        if ingestTimestamp { e.entry.timestamp = WallClock.nowNanoseconds() }
        return nil
    }
}
