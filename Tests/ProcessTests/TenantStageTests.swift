import LogCore
import Testing
@testable import Process

/// `stage.tenant`: the tenant from an extracted value, a label or a fixed value.
@Suite struct TenantStageTests {
    @Test func setsTheTenantLabel() throws {
        let h = try StageHarness("stage.json {\n\texpressions = {user = \"\"}\n}\nstage.tenant {\n\tsource = \"user\"\n}")
        let e = try #require(h.one(#"{"user":"team-a"}"#, labels: ["app": "web"]))
        #expect(e.labels == ["app": "web", "__tenant_id__": "team-a"])
        let fixed = try StageHarness("stage.tenant {\n\tvalue = \"ops\"\n}")
        #expect(fixed.one("x")?.labels["__tenant_id__"] == "ops")
    }
}
