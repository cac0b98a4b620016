import LogCore
import Testing
@testable import Process

/// `stage.pack`: labels and the line packed into a JSON object.
@Suite struct PackStageTests {
    @Test func packsLabelsAndLineAsGoDoes() throws {
        let h = try StageHarness("stage.pack {\n\tlabels           = [\"app\"]\n\tingest_timestamp = false\n}")
        let e = try #require(h.one(#"{"msg":"hi <b>","user":"team-a"}"#, labels: ["app": "web", "env": "p"]))
        #expect(e.labels == ["env": "p"])
        #expect(e.line == #"{"app":"web","_entry":"{\"msg\":\"hi \u003cb\u003e\",\"user\":\"team-a\"}"}"#)
    }
}
