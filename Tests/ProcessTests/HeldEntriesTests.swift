import LogCore
import Testing
@testable import Process

/// Stages that keep entries past their batch claim their source's position until the entry is let go.
@Suite struct HeldEntriesTests {
    @Test func criPartialLineHoldsUntilItsEndIsForwarded() throws {
        let h = try StageHarness("stage.cri { }")
        let held = HeldEntries()
        #expect(h.run(["2026-11-25T10:00:00Z stdout P one-"], held: held).isEmpty)
        #expect(held.isHolding, "a held partial line claims the position")
        #expect(h.run(["2026-11-25T10:00:01Z stdout P two-"], held: held).isEmpty)
        var out = h.run(["2026-11-25T10:00:02Z stdout F three"], held: held)
        #expect(out.map(\.line) == ["one-two-three"])
        #expect(held.isHolding, "until the whole line is acknowledged")
        out = []
        #expect(!held.isHolding, "released once the entry is gone (forwarded and acknowledged)")
        _ = out
        // Full lines never claim anything.
        let full = h.run(["2026-11-25T10:00:03Z stdout F whole"], held: held)
        #expect(full.count == 1 && full[0].hold == nil && !held.isHolding)
    }

    @Test func multilineBlockHoldsUntilEmittedAndDroppedEntriesRelease() throws {
        let h = try StageHarness("stage.multiline {\n\tfirstline = \"^start\"\n}")
        let held = HeldEntries()
        #expect(h.run(["start a", "more"], held: held).isEmpty)
        #expect(held.isHolding)
        var out = h.run(["start b"], held: held)
        #expect(out.map(\.line) == ["start a\nmore"])
        #expect(held.isHolding, "the emitted block until acknowledged, and the new block")
        out = []
        _ = out
        #expect(held.isHolding, "block b is still held")
        var flushed = h.pipeline.flush(nowNanoseconds: Int64.max, force: true, h.ctx)
        #expect(flushed.map(\.line) == ["start b"])
        flushed.removeAll()
        #expect(!held.isHolding, "a flushed (or dropped) entry releases its claim")
    }
}
