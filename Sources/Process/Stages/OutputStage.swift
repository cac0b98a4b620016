import LogCore

/// `stage.output`: replaces the line with an extracted value.
final class OutputStage: EntryStage {
    let source: String
    init(_ a: inout some StageArguments) { source = a.requiredString("source") }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        if let v = e.extracted[source]?.stringValue { e.entry.line = Array(v.utf8) }
        return nil
    }
}
