import LogCore
import Testing
@testable import Process

/// `stage.split_json`: one entry per element of a JSON array.
@Suite struct SplitJSONStageTests {
    @Test func splitsArraysKeepingElementText() throws {
        let split = try StageHarness("stage.split_json { }")
        let out = split.run([#"[{"a":1}, "two" ,3,[4,5]]"#, "not an array", "[]"], labels: ["k": "v"])
        #expect(out.map(\.line) == [#"{"a":1}"#, #""two""#, "3", "[4,5]", "not an array"])
        #expect(out.allSatisfy { $0.labels == ["k": "v"] })
    }
}
