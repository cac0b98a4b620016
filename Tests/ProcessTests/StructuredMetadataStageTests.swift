import LogCore
import Testing
@testable import Process

/// `stage.structured_metadata`: labels or extracted values as structured metadata.
@Suite struct StructuredMetadataStageTests {
    @Test func movesLabelsAndExtractedValuesToMetadata() throws {
        let h = try StageHarness("""
        stage.logfmt {
        \tmapping = {trace = ""}
        }
        stage.structured_metadata {
        \tvalues = {pod = "", trace_id = "trace", absent = ""}
        }
        """)
        let e = try #require(h.one("trace=abc msg=hi", labels: ["pod": "p-1", "namespace": "n"]))
        #expect(e.labels == ["namespace": "n"], "a label made metadata is no longer a label")
        #expect(e.entry.structuredMetadata == [Label("pod", "p-1"), Label("trace_id", "abc")])
    }
}
