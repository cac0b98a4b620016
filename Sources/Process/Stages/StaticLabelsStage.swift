import LogCore

/// `stage.static_labels`: sets fixed labels (entries with an empty value are ignored).
final class StaticLabelsStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    let values: [(String, String)]
    init(_ a: inout some StageArguments) {
        if !a.has("values") { a.error("missing required attribute \"values\"", attribute: nil) }
        values = (a.map("values") ?? [:]).filter { !$0.value.isEmpty }.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        for (k, v) in values { e.entry.labels[k] = v }
        return nil
    }
}
