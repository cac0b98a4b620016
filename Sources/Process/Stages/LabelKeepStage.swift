import LogCore

/// `stage.label_keep`: removes every label not listed.
final class LabelKeepStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    let names: Set<String>
    init(_ a: inout some StageArguments) {
        names = Set(a.nonEmptyStrings("values"))
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        for l in e.entry.labels.labels where !names.contains(l.name) { e.entry.labels[l.name] = nil }
        return nil
    }
}
