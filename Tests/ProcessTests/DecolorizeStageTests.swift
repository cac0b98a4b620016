import LogCore
import Testing
@testable import Process

/// `stage.decolorize`: ANSI colour codes removed.
@Suite struct DecolorizeStageTests {
    @Test func removesColourCodes() throws {
        let d = try StageHarness("stage.decolorize { }")
        #expect(d.one("\u{1B}[0;32mgreen\u{1B}[0m text \u{1B}[1mbold")?.line == "green text bold")
    }
}
