import LogCore
import Testing
@testable import Process

/// `stage.truncate`: lines, labels and metadata cut to a size.
@Suite struct TruncateStageTests {
    @Test func truncatesLineAndLabels() throws {
        let t = try StageHarness("""
        stage.truncate {
        \trule {
        \t\tlimit  = "10B"
        \t\tsuffix = "..."
        \t}
        \trule {
        \t\tlimit       = "4B"
        \t\tsource_type = "label"
        \t\tsources     = ["pod"]
        \t}
        }
        """)
        let e = try #require(t.one("0123456789abcdef", labels: ["pod": "abcdefgh", "ns": "longnamespace"]))
        #expect(e.line == "0123456...")
        #expect(e.labels == ["pod": "abcd", "ns": "longnamespace"])
        #expect(e.x("truncated") == "label,line")
    }
}
