import Platform
import LogCore
import Testing
@testable import Process

/// `stage.multiline`: blocks joined until the next first line.
@Suite struct MultilineStageTests {
    @Test func multilineJoinsUntilTheNextFirstLine() throws {
        let h = try StageHarness("stage.multiline {\n\tfirstline = \"^\\\\[\\\\d{4}\"\n\tmax_lines = 3\n}")
        let out = h.run(["orphan", "[2026] start", "  at a", "  at b", "[2026] next", "  at c", "  at d", "  at e"])
        #expect(out.map(\.line) == ["orphan", "[2026] start\n  at a\n  at b", "[2026] next\n  at c\n  at d"])
        let rest = h.pipeline.flush(nowNanoseconds: WallClock.nowNanoseconds(), force: true, h.ctx)
        #expect(rest.map(\.line) == ["  at e"])
    }
}
