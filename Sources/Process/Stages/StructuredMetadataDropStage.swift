import LogCore

/// `stage.structured_metadata_drop`: removes the listed structured-metadata entries.
final class StructuredMetadataDropStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    let names: Set<String>
    init(_ a: inout some StageArguments) {
        names = Set(a.nonEmptyStrings("values"))
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        e.entry.structuredMetadata.removeAll { names.contains($0.name) }
        return nil
    }
}
