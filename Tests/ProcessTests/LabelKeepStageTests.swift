import LogCore
import Testing
@testable import Process

/// `stage.label_keep`: only the named labels stay.
@Suite struct LabelKeepStageTests {
    @Test func keepsOnlyTheNamedLabels() throws {
        let h = try StageHarness("stage.label_keep {\n\tvalues = [\"namespace\", \"app\"]\n}")
        let e = try #require(h.one("x", labels: ["filename": "/f", "pod": "p-1", "namespace": "n", "app": "a", "node": "k1"]))
        #expect(e.labels == ["namespace": "n", "app": "a"])
    }
}
