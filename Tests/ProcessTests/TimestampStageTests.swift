import LogCore
import Testing
@testable import Process

/// `stage.timestamp`: Go layouts, named formats, Unix forms, locations, failures.
@Suite struct TimestampStageTests {
    @Test func timestampFormats() throws {
        func ts(_ format: String, _ value: String, location: String? = nil) throws -> Int64? {
            let loc = location.map { "\n\tlocation = \"\($0)\"" } ?? ""
            let h = try StageHarness("stage.regex { expression = \"^(?P<t>.*)$\" }\nstage.timestamp {\n\tsource = \"t\"\n\tformat = \"\(format)\"\(loc)\n\taction_on_failure = \"skip\"\n}")
            let t = h.one(value)?.entry.timestamp
            return t == 1_000 ? nil : t
        }
        #expect(try ts("RFC3339", "2026-11-25T10:00:00+02:00") == 1795593600_000_000_000)
        #expect(try ts("RFC3339Nano", "2026-11-25T10:00:00.123456789Z") == 1795600800_123456789)
        #expect(try ts("Unix", "1795420800.5") == 1795420800_500_000_000)
        #expect(try ts("UnixMs", "1795420800123") == 1795420800_123_000_000)
        #expect(try ts("UnixUs", "1795420800123456") == 1795420800_123_456_000)
        #expect(try ts("UnixNs", "1795420800123456789") == 1795420800_123456789)
        #expect(try ts("2006-01-02 15:04:05.000", "2026-11-25 10:00:00.250") == 1795600800_250_000_000)
        #expect(try ts("2006-01-02 15:04:05", "2026-11-25 10:00:00,5") == 1795600800_500_000_000, "a fraction after seconds is accepted")
        #expect(try ts("02/Jan/2006:15:04:05 -0700", "25/Nov/2026:10:00:00 +0100") == 1795597200_000_000_000)
        #expect(try ts("Mon Jan _2 15:04:05 2006", "Wed Nov  5 10:00:00 2026") == 1793872800_000_000_000)
        #expect(try ts("RFC1123", "Wed, 25 Nov 2026 10:00:00 UTC") == 1795600800_000_000_000)
        #expect(try ts("3:04PM Jan 2 2006", "10:00AM Nov 25 2026") == 1795600800_000_000_000)
        #expect(try ts("2006-01-02 15:04:05", "2026-07-01 12:00:00", location: "America/New_York") == 1782921600_000_000_000)
        #expect(try ts("2006-01-02", "garbage") == nil)
    }

    @Test func timestampFudgesFailuresAndDuplicates() throws {
        let h = try StageHarness("stage.regex { expression = \"^(?P<t>\\\\S*)\" }\nstage.timestamp {\n\tsource = \"t\"\n\tformat = \"UnixNs\"\n}")
        let out = h.run(["100 a", "100 b", "bad c"], labels: ["s": "1"])
        #expect(out.map(\.entry.timestamp) == [100, 101, 102])
    }
}
