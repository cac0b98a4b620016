import LogCore
import Testing
@testable import Process

/// `stage.structured_metadata_drop`: metadata removed by name.
@Suite struct StructuredMetadataDropStageTests {
    @Test func dropsTheNamedMetadata() throws {
        let d = try StageHarness("stage.structured_metadata_drop {\n\tvalues = [\"pod\"]\n}")
        var entry = ProcessEntry(LogEntry(timestamp: 0, line: [], labels: LabelSet(), structuredMetadata: [Label("pod", "x"), Label("y", "z")]))
        entry = d.pipeline.process([entry], d.ctx)[0]
        #expect(entry.entry.structuredMetadata == [Label("y", "z")])
    }
}
