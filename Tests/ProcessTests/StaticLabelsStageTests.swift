import LogCore
import Testing
@testable import Process

/// `stage.static_labels`: fixed labels.
@Suite struct StaticLabelsStageTests {
    @Test func addsFixedLabelsSkippingEmptyValues() throws {
        let h = try StageHarness("stage.static_labels {\n\tvalues = {cluster = \"homelab\", empty = \"\", app = \"new\"}\n}")
        let e = try #require(h.one("x", labels: ["app": "old"]))
        #expect(e.labels == ["app": "new", "cluster": "homelab"])
    }
}
