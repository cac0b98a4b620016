import LogCore

/// `stage.label_drop`: removes the listed labels.
final class LabelDropStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    let names: [String]
    init(_ a: inout some StageArguments) {
        names = a.nonEmptyStrings("values")
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        for n in names { e.entry.labels[n] = nil }
        return nil
    }
}
