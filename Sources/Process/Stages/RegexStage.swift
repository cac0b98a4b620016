import LogCore
import RE2

/// `stage.regex`: matches an RE2 expression (unanchored) against the line or an extracted value and stores each
/// named group in the extracted map ("" for a group that did not take part); optionally as labels too.
final class RegexStage: EntryStage {
    let regex: RE2?
    let source: String?
    let labelsFromGroups: Bool
    private let named: [(Int, String)]
    var extractedKeysRead: Set<String>? { source.map { [$0] } ?? [] }

    init(_ a: inout some StageArguments) {
        let pattern = a.requiredString("expression")
        regex = compile(pattern, &a, attribute: "expression")
        source = a.string("source")
        labelsFromGroups = a.bool("labels_from_groups") ?? false
        if a.has("source") && source == "" { a.error("source cannot be empty", attribute: "source") }
        named = regex.map { re in re.groupNames.enumerated().compactMap { i, n in n.map { (i, $0) } } } ?? []
        // Alloy accepts it; such a stage extracts nothing.
        if regex != nil && named.isEmpty {
            a.warning("the expression has no named capture group (?P<name>…): this stage extracts nothing", attribute: "expression")
        }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        guard let regex else { return nil }
        var text: [UInt8]
        if let source {
            guard let v = e.extracted[source]?.stringValue else { return nil }
            text = Array(v.utf8)
        } else {
            text = e.entry.line
        }
        guard let groups = text.withUnsafeBytes({ regex.match($0) }) else { return nil }
        for (i, name) in named {
            let value = groups[i].map { String(decoding: text[$0], as: UTF8.self) } ?? ""
            e.extracted[name] = .string(value)
            if labelsFromGroups { e.entry.labels[name] = value }
        }
        return nil
    }
}
