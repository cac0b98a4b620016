import Testing
@testable import LogCore

/// An entry's origin and replay flag share one word.
@Suite struct LogEntryTests {
    @Test func originAndReplayFlagAreIndependent() {
        var e = LogEntry(timestamp: 1, line: [], labels: LabelSet())
        #expect(e.origin == -1 && !e.replayed, "unknown origin, not replayed")
        e.origin = 0
        #expect(e.origin == 0 && !e.replayed)
        e.replayed = true
        #expect(e.origin == 0 && e.replayed)
        e.origin = Int64(1) << 50
        #expect(e.origin == Int64(1) << 50 && e.replayed)
        e.replayed = false
        e.origin = -1
        #expect(e.origin == -1 && !e.replayed)
        #expect(MemoryLayout<LogEntry>.stride == 40)
    }
}
