import LogCore
import Testing
@testable import Process

/// `stage.regex`: named capture groups.
@Suite struct RegexStageTests {
    @Test func regexNamedGroups() throws {
        let h = try StageHarness(#"""
        stage.regex {
        	expression = "^(?s)(?P<time>\\S+?) (?P<stream>stdout|stderr) (?P<flags>\\S+?) (?P<content>.*)$"
        }
        stage.regex {
        	expression         = "(?P<level>INFO|WARN)?m"
        	source             = "content"
        	labels_from_groups = true
        }
        """#)
        let e = try #require(h.one("2019-01-01T01:00:00.000000001Z stderr P i'm a log message!"))
        #expect(e.x("stream") == "stderr" && e.x("flags") == "P" && e.x("content") == "i'm a log message!")
        #expect(e.x("level") == "", "a group that did not take part is empty")
        #expect(StageHarness.errors(#"stage.regex { expression = "(unclosed" }"#).first?.contains("invalid regex") == true)
    }

    /// Alloy accepts an expression without a named group (the stage then extracts nothing): so does Tributary,
    /// with a warning.
    @Test func noNamedGroupIsAWarningNotAnError() throws {
        let h = try StageHarness(#"stage.regex { expression = "^(\\d+) (.*)$" }"#)
        #expect(h.warnings == ["the expression has no named capture group (?P<name>…): this stage extracts nothing"])
        let e = try #require(h.one("42 hello"))
        #expect(e.line == "42 hello" && e.x("1") == nil, "the entry passes unchanged")
    }
}
