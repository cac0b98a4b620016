import LogCore
import RE2

/// `stage.structured_metadata`: moves extracted values and labels into structured metadata (Alloy's order:
/// extracted by name, extracted by regex, labels by name — removing them —, labels by regex).
final class StructuredMetadataStage: EntryStage {
    let values: [(String, String)]
    let regex: RE2?

    init(_ a: inout some StageArguments) {
        values = (a.map("values") ?? [:]).map { ($0.key, $0.value.isEmpty ? $0.key : $0.value) }.sorted { $0.0 < $1.0 }
        regex = compile(a.string("regex"), &a, attribute: "regex")
    }

    private func set(_ e: inout ProcessEntry, _ name: String, _ value: String) {
        if let i = e.entry.structuredMetadata.firstIndex(where: { $0.name == name }) {
            e.entry.structuredMetadata[i].value = value
        } else {
            e.entry.structuredMetadata.append(Label(name, value))
        }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        for (name, source) in values {
            if let v = e.extracted[source]?.stringValue { set(&e, name, v) }
        }
        if let regex {
            for k in e.extracted.keys where regex.matches(k) {
                if let v = e.extracted[k]?.stringValue { set(&e, k, v) }
            }
        }
        for (name, source) in values {
            if let v = e.entry.labels[source] {
                set(&e, name, v)
                e.entry.labels[source] = nil
            }
        }
        if let regex {
            for l in e.entry.labels.labels where regex.matches(l.name) {
                set(&e, l.name, l.value)
                e.entry.labels[l.name] = nil
            }
        }
        return nil
    }
}
