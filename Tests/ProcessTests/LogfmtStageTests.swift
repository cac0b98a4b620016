import LogCore
import Testing
@testable import Process

/// `stage.logfmt`: key=value pairs.
@Suite struct LogfmtStageTests {
    @Test func logfmt() throws {
        let h = try StageHarness("""
        stage.logfmt {
        \tmapping = {extra = "", level = "", duration = ""}
        }
        stage.logfmt {
        \tmapping = {username = "user"}
        \tsource  = "extra"
        }
        """)
        let e = try #require(h.one(#"time=2012-11-01T22:08:41+00:00 app=loki level=WARN duration=125 message="this is a log line" extra="user=foo""#))
        #expect(e.x("level") == "WARN" && e.x("duration") == "125" && e.x("extra") == "user=foo" && e.x("username") == "foo")
    }
}
