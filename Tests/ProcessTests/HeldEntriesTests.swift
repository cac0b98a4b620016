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

    /// The earliest held origin is where a source resumes after a crash.
    @Test func heldEntriesRecordWhereTheyStart() throws {
        let h = try StageHarness("stage.cri { }")
        let held = HeldEntries()
        _ = h.run([("2026-11-25T10:00:00Z stdout P one-", 100, false), ("2026-11-25T10:00:00Z stderr P err-", 140, false)], held: held)
        #expect(held.earliestOrigin == 100)
        var out = h.run([("2026-11-25T10:00:01Z stdout F two", 180, false)], held: held)
        #expect(out.map(\.line) == ["one-two"] && out[0].entry.origin == 100, "a joined line starts where its first part did")
        out = []
        _ = out
        #expect(held.earliestOrigin == 140, "the stderr part is still held")
    }

    /// Re-read after a restart from a held partial line's start: what was delivered before is marked replayed, the
    /// held line completed by a new line is not — whatever the stream interleaving.
    @Test func criEntriesTakeTheReplayFlagOfTheLineThatCompletesThem() throws {
        let h = try StageHarness("stage.cri { }")
        let held = HeldEntries()
        let replay = h.run([
            ("2026-11-25T10:00:00Z stdout P held-", 0, true),       // held at the crash
            ("2026-11-25T10:00:00Z stderr F between", 40, true),    // delivered before the crash
            ("2026-11-25T10:00:00Z stderr P e1-", 80, true),        // delivered before the crash, with its end
            ("2026-11-25T10:00:00Z stderr F e2", 120, true),
        ], held: held)
        #expect(replay.map(\.line) == ["between", "e1-e2"])
        #expect(replay.allSatisfy { $0.entry.replayed })
        let fresh = h.run([("2026-11-25T10:00:01Z stdout F end", 160, false), ("2026-11-25T10:00:01Z stdout F next", 200, false)], held: held)
        #expect(fresh.map(\.line) == ["held-end", "next"])
        #expect(fresh.allSatisfy { !$0.entry.replayed })
    }

    @Test func multilineBlocksTakeTheReplayFlagOfTheLineThatEndsThem() throws {
        let h = try StageHarness("stage.multiline {\n\tfirstline = \"^start\"\n}")
        let held = HeldEntries()
        var replay = h.run([("start a", 0, true), ("a1", 10, true), ("start b", 20, true), ("b1", 30, true)], held: held)
        #expect(replay.map(\.line) == ["start a\na1"] && replay[0].entry.replayed, "ended by a re-read line: delivered before")
        replay = []
        #expect(held.earliestOrigin == 20, "block b is held from its first line")
        let fresh = h.run([("b2", 40, false), ("start c", 50, false)], held: held)
        #expect(fresh.map(\.line) == ["start b\nb1\nb2"] && !fresh[0].entry.replayed, "held at the crash: new")
    }
}
