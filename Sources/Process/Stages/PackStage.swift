import Platform
import Codecs
import LogCore

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
            JSONString.append(n, to: &out, style: .goHTMLSafe)
            out.append(58)
            JSONString.append(v, to: &out, style: .goHTMLSafe)
            out.append(44)
            e.entry.labels[n] = nil
        }
        JSONString.append("_entry", to: &out, style: .goHTMLSafe)
        out.append(58)
        e.entry.line.withUnsafeBytes { JSONString.append($0, to: &out, style: .goHTMLSafe) }
        out.append(125)
        e.entry.line = out
        if ingestTimestamp { e.entry.timestamp = WallClock.nowNanoseconds() }
        return nil
    }
}
