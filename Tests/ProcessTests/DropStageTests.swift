import Platform
import Codecs
import LogCore
import Testing
@testable import Process

/// `stage.drop`: length, age, expression and value conditions.
@Suite struct DropStageTests {
    @Test func dropConditions() throws {
        let long = try StageHarness("stage.drop {\n\tlonger_than = \"8B\"\n}")
        #expect(long.run(["short", "much longer line"]).map(\.line) == ["short"])
        #expect(long.ctx.drops["drop_stage"] == 1)
        let expr = try StageHarness("stage.drop {\n\texpression = \"health(z|check)\"\n\tdrop_counter_reason = \"probes\"\n}")
        #expect(expr.run(["GET /healthz", "GET /orders"]).map(\.line) == ["GET /orders"])
        #expect(expr.ctx.drops["probes"] == 1)
        let value = try StageHarness("stage.drop {\n\tsource = \"namespace,app\"\n\tseparator = \"/\"\n\tvalue = \"kube-system/coredns\"\n}")
        #expect(value.run(["a"], labels: ["namespace": "kube-system", "app": "coredns"]).isEmpty)
        #expect(value.run(["a"], labels: ["namespace": "kube-system", "app": "proxy"]).count == 1)
        let old = try StageHarness("stage.drop {\n\tolder_than = \"1h\"\n}")
        #expect(old.run(["ancient"], timestamp: 1).isEmpty)
        #expect(old.run(["fresh"], timestamp: WallClock.nowNanoseconds()).count == 1)
        #expect(!StageHarness.errors("stage.drop { }").isEmpty)
        #expect(!StageHarness.errors("stage.drop {\n\tvalue = \"x\"\n}").isEmpty)
    }
}
