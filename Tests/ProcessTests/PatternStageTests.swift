import LogCore
import Testing
@testable import Process

/// `stage.pattern`: Loki's pattern parser, as Alloy runs it.
@Suite struct PatternStageTests {
    @Test func extractsFromAnAccessLog() throws {
        let h = try StageHarness(#"""
        stage.pattern {
        	pattern = "<ip> - - [<_>] \"<method> <path> <_>\" <status> <_>"
        }
        """#)
        let e = try #require(h.one(#"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.0" 200 2326"#))
        #expect(e.x("ip") == "127.0.0.1" && e.x("method") == "GET" && e.x("path") == "/index.html" && e.x("status") == "200")
        #expect(e.labels.isEmpty, "extracted only, unless labels_from_groups")
    }

    @Test func matchingRules() throws {
        func match(_ pattern: String, _ line: String) -> [String]? {
            guard case .success(let nodes) = PatternStage.parse(pattern) else { return ["parse failed"] }
            return PatternStage.match(nodes, Array(line.utf8))?.map { "\($0.0)=\(String(decoding: $0.1, as: UTF8.self))" }
        }
        #expect(match("<a> x <b> y", "1 x 2 y 3") == ["a=1", "b=2"], "text after the last literal is ignored")
        #expect(match("<a> x <b> y", "1 x 2") == ["a=1", "b=2"], "a missing literal: the capture before it takes the rest")
        #expect(match("<a> x <b>", "1 x 2 3") == ["a=1", "b=2 3"], "the last capture takes the rest")
        #expect(match("level=<level> ", "ts=1 level=info msg=x") == nil, "the leading literal must start the line")
        #expect(match("level=<level> ", "level=info msg=x") == ["level=info"])
        #expect(match("<_> <b>", "skip this") == ["b=this"])
        #expect(match("<a>", "") == nil, "an empty line never matches")
        #expect(match("a <b c> <d>", "a <b c> x") == ["d=x"], "<b c> is literal text")
    }

    @Test func sourceAndLabelsFromGroups() throws {
        let h = try StageHarness(#"""
        stage.logfmt {
        	mapping = {msg = ""}
        }
        stage.pattern {
        	pattern            = "user <user> logged in from <addr>"
        	source             = "msg"
        	labels_from_groups = true
        }
        """#)
        let e = try #require(h.one(#"level=info msg="user alice logged in from 10.0.0.7""#))
        #expect(e.x("user") == "alice" && e.labels == ["user": "alice", "addr": "10.0.0.7"])
        let other = try #require(h.one("level=info"))
        #expect(other.labels.isEmpty, "no source value: nothing extracted")
    }

    @Test func badPatternsAreRefusedAsLokiRefusesThem() {
        #expect(StageHarness.errors(#"stage.pattern { pattern = "no captures <_>" }"#) == ["failed to parse pattern: at least one capture is required"])
        #expect(StageHarness.errors(#"stage.pattern { pattern = "<a><b>" }"#) == ["failed to parse pattern: found consecutive capture '<a><b>'"])
        #expect(StageHarness.errors(#"stage.pattern { pattern = "<a> and <a>" }"#) == ["failed to parse pattern: duplicate capture name (a)"])
        #expect(StageHarness.errors("stage.pattern {\n\tpattern = \"<a>\"\n\tsource = \"\"\n}") == ["source cannot be empty"])
    }
}
