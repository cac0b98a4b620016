import LogCore

/// `stage.labels`: sets labels from extracted values (or structured metadata); an absent source leaves the label.
final class LabelsStage: EntryStage {
    let values: [(String, String)]
    let fromMetadata: Bool
    var extractedKeysRead: Set<String>? { fromMetadata ? [] : Set(values.map(\.1)) }

    init(_ a: inout some StageArguments) {
        if !a.has("values") { a.error("missing required attribute \"values\"", attribute: nil) }
        values = (a.map("values") ?? [:]).map { ($0.key, $0.value.isEmpty ? $0.key : $0.value) }.sorted { $0.0 < $1.0 }
        let type = a.string("source_type") ?? "extracted"
        fromMetadata = type == "structured_metadata"
        if type != "extracted" && type != "structured_metadata" {
            a.error("source_type must be extracted or structured_metadata", attribute: "source_type")
        }
    }

    /// Entries of one stream share their label set; the results for the current input set are kept for the few
    /// distinct values seen (linear search, no hashing), instead of copying the set for every entry.
    private var lastInput: LabelSet? = nil
    private var results: [([String?], LabelSet)] = []

    private func lookup(_ e: ProcessEntry, _ source: String) -> String? {
        if fromMetadata { return e.entry.structuredMetadata.last { $0.name == source }?.value }
        return e.extracted[source]?.stringValue
    }

    /// One `label = source` pair (the common case): no array per entry.
    private var lastSingle: [(String?, LabelSet)] = []

    private func applySingle(_ e: inout ProcessEntry) {
        let (label, source) = values[0]
        let v = lookup(e, source)
        if lastInput != e.entry.labels {
            lastInput = e.entry.labels
            lastSingle.removeAll(keepingCapacity: true)
        }
        for (f, out) in lastSingle where f == v {
            e.entry.labels = out
            return
        }
        if let v { e.entry.labels[label] = v }
        if lastSingle.count < 16 { lastSingle.append((v, e.entry.labels)) }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        if values.count == 1 {
            applySingle(&e)
            return nil
        }
        var found: [String?] = []
        found.reserveCapacity(values.count)
        for (_, source) in values { found.append(lookup(e, source)) }
        if lastInput != e.entry.labels {
            lastInput = e.entry.labels
            results.removeAll(keepingCapacity: true)
        }
        for (f, out) in results where f == found {
            e.entry.labels = out
            return nil
        }
        for (i, (label, _)) in values.enumerated() {
            if let v = found[i] { e.entry.labels[label] = v }
        }
        if results.count < 16 { results.append((found, e.entry.labels)) }
        return nil
    }
}
