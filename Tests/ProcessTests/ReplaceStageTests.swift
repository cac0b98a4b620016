import Codecs
import Testing
@testable import Process

/// `stage.replace`: capture groups of the line or an extracted value replaced.
@Suite struct ReplaceStageTests {
    @Test func replacesCaptureGroups() throws {
        let h = try StageHarness(#"""
        stage.replace {
        	expression = "password=(\\S+)"
        	replace    = "*****"
        }
        stage.replace {
        	expression = "(?P<ip>\\d+\\.\\d+\\.\\d+\\.\\d+)"
        	replace    = "{{ Sha2Hash .Value \"pepper\" | trunc 8 }}"
        }
        """#)
        let e = try #require(h.one("login user=bob password=hunter2 from 10.0.0.1 ok"))
        let hashed = String(Digests.hex(Digests.sha256(Array("10.0.0.1pepper".utf8))).prefix(8))
        #expect(e.line == "login user=bob password=***** from \(hashed) ok")
        #expect(e.x("ip") == hashed)
        let noGroups = try StageHarness("stage.replace {\n\texpression = \"bob\"\n\treplace = \"x\"\n}")
        #expect(noGroups.one("bob")?.line == "bob", "an expression without groups changes nothing")
        let src = try StageHarness("stage.logfmt {\n\tmapping = {msg = \"\"}\n}\nstage.replace {\n\texpression = \"(\\\\d+)\"\n\tsource = \"msg\"\n\treplace = \"N\"\n}")
        let s = try #require(src.one("msg=\"took 15 ms\""))
        #expect(s.x("msg") == "took N ms")
        #expect(s.line == "msg=\"took 15 ms\"")
    }
}
