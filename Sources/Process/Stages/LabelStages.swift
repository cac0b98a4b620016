import LogCore
import Relabel

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

/// `stage.label_drop`: removes the listed labels.
final class LabelDropStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    let names: [String]
    init(_ a: inout some StageArguments) {
        names = a.strings("values") ?? []
        if names.isEmpty { a.error("values must not be empty", attribute: "values") }
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        for n in names { e.entry.labels[n] = nil }
        return nil
    }
}

/// `stage.label_keep`: removes every label not listed.
final class LabelKeepStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    let names: Set<String>
    init(_ a: inout some StageArguments) {
        names = Set(a.strings("values") ?? [])
        if names.isEmpty { a.error("values must not be empty", attribute: "values") }
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        for l in e.entry.labels.labels where !names.contains(l.name) { e.entry.labels[l.name] = nil }
        return nil
    }
}

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

/// `stage.structured_metadata_drop`: removes the listed structured-metadata entries.
final class StructuredMetadataDropStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    let names: Set<String>
    init(_ a: inout some StageArguments) {
        names = Set(a.strings("values") ?? [])
        if names.isEmpty { a.error("values must not be empty", attribute: "values") }
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        e.entry.structuredMetadata.removeAll { names.contains($0.name) }
        return nil
    }
}

/// `stage.output`: replaces the line with an extracted value.
final class OutputStage: EntryStage {
    let source: String
    init(_ a: inout some StageArguments) { source = a.requiredString("source") }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        if let v = e.extracted[source]?.stringValue { e.entry.line = Array(v.utf8) }
        return nil
    }
}

/// `stage.tenant`: sets the hidden `__tenant_id__` label from a label, an extracted value or a constant.
final class TenantStage: EntryStage {
    enum From { case label(String), source(String), value(String) }
    let from: From
    init(_ a: inout some StageArguments) {
        let l = a.string("label"), s = a.string("source"), v = a.string("value")
        let set = [l, s, v].compactMap { $0 }.filter { !$0.isEmpty }
        if set.count != 1 { a.error("exactly one of label, source or value must be set", attribute: nil) }
        if let l, !l.isEmpty { from = .label(l) } else if let s, !s.isEmpty { from = .source(s) } else { from = .value(v ?? "") }
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        let tenant: String?
        switch from {
        case .label(let l): tenant = e.entry.labels[l]
        case .source(let s): tenant = e.extracted[s]?.stringValue
        case .value(let v): tenant = v
        }
        if let tenant, !tenant.isEmpty { e.entry.labels["__tenant_id__"] = tenant }
        return nil
    }
}
