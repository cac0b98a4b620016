import LogCore
import Testing
@testable import Process

/// `stage.limit`: rate limiting, overall and per label value.
@Suite struct LimitStageTests {
    @Test func dropsOverTheRate() throws {
        let limit = try StageHarness("stage.limit {\n\trate = 1\n\tburst = 3\n\tdrop = true\n}")
        #expect(limit.run((0..<10).map(String.init)).count == 3)
        #expect(limit.ctx.drops["ratelimit_drop_stage"] == 7)
        let byLabel = try StageHarness("stage.limit {\n\trate = 1\n\tburst = 1\n\tdrop = true\n\tby_label_name = \"app\"\n}")
        #expect(byLabel.run(["a", "b"], labels: ["app": "x"]).count == 1)
        #expect(byLabel.run(["c"], labels: ["app": "y"]).count == 1)
    }
}
