import LogCore
import Testing
@testable import Process

/// `stage.label_drop`: labels removed by name.
@Suite struct LabelDropStageTests {
    @Test func dropsTheNamedLabels() throws {
        let h = try StageHarness("stage.label_drop {\n\tvalues = [\"filename\", \"absent\"]\n}")
        let e = try #require(h.one("x", labels: ["filename": "/f", "app": "a"]))
        #expect(e.labels == ["app": "a"])
    }
}
