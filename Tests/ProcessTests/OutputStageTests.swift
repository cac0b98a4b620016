import LogCore
import Testing
@testable import Process

/// `stage.output`: the line replaced by an extracted value.
@Suite struct OutputStageTests {
    @Test func replacesTheLine() throws {
        let o = try StageHarness("stage.json {\n\texpressions = {msg = \"\"}\n}\nstage.output {\n\tsource = \"msg\"\n}")
        #expect(o.one(#"{"msg":"only this"}"#)?.line == "only this")
        #expect(o.one(#"{"other":1}"#)?.line == #"{"other":1}"#, "a missing value leaves the line")
    }
}
