import LogCore
import Testing
@testable import Process

/// `stage.docker`: Docker's JSON log format.
@Suite struct DockerStageTests {
    @Test func docker() throws {
        let h = try StageHarness("stage.docker { }")
        let e = try #require(h.one(#"{"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"}"#))
        #expect(e.line == "log message\n")
        #expect(e.labels["stream"] == "stderr")
        #expect(e.entry.timestamp == 1556590361_844351500)
        #expect(h.one("plain")?.line == "plain")
    }
}
