import LogCore
import Testing
@testable import Process

/// `stage.match`: LogQL selectors, nested stages, drop action.
@Suite struct MatchStageTests {
    @Test func matchKeepAndDrop() throws {
        let h = try StageHarness(#"""
        stage.match {
        	selector = "{app=\"nginx\"} |= \"GET\" != \"healthz\""
        	stage.static_labels {
        		values = {method = "get"}
        	}
        }
        stage.match {
        	selector            = "{namespace=~\"kube-.*\"}"
        	action              = "drop"
        	drop_counter_reason = "system"
        }
        """#)
        let out = h.run(["GET /a", "POST /b", "GET /healthz"], labels: ["app": "nginx"])
        #expect(out.map(\.line) == ["GET /a", "POST /b", "GET /healthz"], "order is preserved")
        #expect(out.map { $0.labels["method"] } == ["get", nil, nil])
        #expect(h.run(["x"], labels: ["namespace": "kube-system"]).isEmpty)
        #expect(h.ctx.drops["system"] == 1)
        #expect(StageHarness.errors("stage.match {\n\tselector = \"{}\"\n\taction = \"drop\"\n}").first?.contains("invalid selector") == true)
        #expect(!StageHarness.errors("stage.match {\n\tselector = \"{a=\\\"b\\\"}\"\n}").isEmpty, "keep needs nested stages")
    }
}
