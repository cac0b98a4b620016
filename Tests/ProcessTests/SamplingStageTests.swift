import LogCore
import Testing
@testable import Process

/// `stage.sampling`: a fraction of entries kept.
@Suite struct SamplingStageTests {
    @Test func keepsTheGivenFraction() throws {
        #expect(try StageHarness("stage.sampling {\n\trate = 0\n}").run(["a", "b"]).isEmpty)
        #expect(try StageHarness("stage.sampling {\n\trate = 1\n}").run(["a", "b"]).count == 2)
    }
}
