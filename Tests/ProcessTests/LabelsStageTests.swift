import LogCore
import Testing
@testable import Process

/// `stage.labels`: labels from extracted values.
@Suite struct LabelsStageTests {
    @Test func labelsFromExtractedValues() throws {
        let h = try StageHarness("""
        stage.logfmt {
        \tmapping = {level = "", comp = "component"}
        }
        stage.labels {
        \tvalues = {level = "", component = "comp", missing = ""}
        }
        """)
        let e = try #require(h.one("level=warn component=db", labels: ["missing": "kept"]))
        #expect(e.labels == ["level": "warn", "component": "db", "missing": "kept"], "a missing value leaves the label as it was")
    }
}
