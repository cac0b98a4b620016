import Platform
import Codecs
import LogCore

/// `stage.timestamp`: sets the entry's timestamp from an extracted value, parsed with `format` (a named Go layout,
/// a Go reference-time layout, or `Unix`, `UnixMs`, `UnixUs`, `UnixNs`) or one of `fallback_formats`.
/// On failure `action_on_failure = "fudge"` (default) moves the timestamp 1 ns past the stream's last one.
final class TimestampStage: EntryStage {
    let source: String
    let formats: [String]
    let zone: TimeZoneData?
    let fudgeOnFailure: Bool
    let fudgeDuplicates: Bool
    private var last: [LabelSet: (parsed: Int64, adjusted: Int64)] = [:]

    init(_ a: inout some StageArguments) {
        source = a.requiredString("source")
        let format = a.requiredString("format")
        formats = [format] + (a.strings("fallback_formats") ?? [])
        if let loc = a.string("location"), !loc.isEmpty {
            zone = TimeZoneData(name: loc)
            if zone == nil { a.error("unknown time zone \"\(loc)\"", attribute: "location") }
        } else {
            zone = nil
        }
        let onFailure = a.string("action_on_failure") ?? "fudge"
        let onDuplicate = a.string("action_on_duplicate_timestamp") ?? "fudge"
        if onFailure != "fudge" && onFailure != "skip" { a.error("action_on_failure must be fudge or skip", attribute: "action_on_failure") }
        if onDuplicate != "fudge" && onDuplicate != "keep" { a.error("action_on_duplicate_timestamp must be fudge or keep", attribute: "action_on_duplicate_timestamp") }
        fudgeOnFailure = onFailure == "fudge"
        fudgeDuplicates = onDuplicate == "fudge"
    }

    static func parse(_ value: String, format: String, zone: TimeZoneData?, now: Int64) -> Int64? {
        switch format {
        case "Unix":
            let parts = value.split(separator: ".", maxSplits: 1)
            guard let s = Int64(parts[0]) else { return nil }
            var ns: Int64 = 0
            if parts.count == 2 {
                let frac = parts[1].prefix(9)
                guard let f = Int64(frac) else { return nil }
                ns = f
                for _ in frac.count..<9 { ns *= 10 }
            }
            return s * 1_000_000_000 + (s < 0 ? -ns : ns)
        case "UnixMs": return Int64(value).map { $0 * 1_000_000 }
        case "UnixUs": return Int64(value).map { $0 * 1_000 }
        case "UnixNs": return Int64(value)
        case "RFC3339", "RFC3339Nano":
            if let t = RFC3339.parse(value) { return t }
            return GoTime.parse(GoTime.namedLayouts[format]!, value, zone: nil, nowNanoseconds: now)
        default:
            if let named = GoTime.namedLayouts[format] { return GoTime.parse(named, value, zone: nil, nowNanoseconds: now) }
            return GoTime.parse(format, value, zone: zone, nowNanoseconds: now)
        }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        let key = e.entry.labels
        let now = WallClock.nowNanoseconds()
        var parsed: Int64? = nil
        if let v = e.extracted[source]?.stringValue {
            for f in formats {
                if let t = TimestampStage.parse(v, format: f, zone: zone, now: now) { parsed = t; break }
            }
        }
        guard let t = parsed else {
            if fudgeOnFailure, let prev = last[key] {
                e.entry.timestamp = prev.adjusted + 1
                last[key] = (prev.parsed, prev.adjusted + 1)
            }
            return nil
        }
        var adjusted = t
        if fudgeDuplicates, let prev = last[key], prev.parsed == t { adjusted = prev.adjusted + 1 }
        e.entry.timestamp = adjusted
        if fudgeOnFailure || fudgeDuplicates {
            if last.count >= 10000 { last.removeAll(keepingCapacity: true) }
            last[key] = (t, adjusted)
        }
        return nil
    }
}
