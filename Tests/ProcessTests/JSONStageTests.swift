import LogCore
import Testing
@testable import Process

/// `stage.json`: JMESPath expressions over the line or an extracted value.
@Suite struct JSONStageTests {
    @Test func jsonWithNestedSource() throws {
        let h = try StageHarness("""
        stage.json {
        \texpressions = {output = "log", extra = "", "user-level" = "\\"user-level\\"", first = "items[0].n", names = "items[*].n"}
        }
        stage.json {
        \texpressions = {username = "user"}
        \tsource      = "extra"
        }
        """)
        let e = try #require(h.one(#"{"log":"log message\n","extra":"{\"user\":\"alloy\"}","user-level":"admin","items":[{"n":"a"},{"n":"b"}]}"#))
        #expect(e.x("output") == "log message\n")
        #expect(e.x("extra") == #"{"user":"alloy"}"#)
        #expect(e.x("username") == "alloy")
        #expect(e.x("user-level") == "admin")
        #expect(e.x("first") == "a")
        #expect(e.x("names") == #"["a","b"]"#)
        let dropper = try StageHarness("stage.json {\n\texpressions = {a = \"\"}\n\tdrop_malformed = true\n}")
        #expect(dropper.run(["not json", "[1]", #"{"a":1}"#]).map { $0.x("a") } == ["1"])
        #expect(dropper.ctx.drops["malformed_json"] == 2)
    }
}

/// The whole JMESPath language in `stage.json`, its results converted as Alloy's `simplifyType` converts them.
@Suite struct JSONStageJMESPathTests {
    @Test func resultsConvertedAsAlloyDoes() throws {
        let h = try StageHarness(#"""
        stage.json {
        	expressions = {
        		slow    = "requests[?ms > `100`].path | [0]",
        		codes   = "sort(requests[*].code)",
        		byCode  = "group_by(requests, &to_string(code))",
        		labels  = "meta",
        		total   = "sum(requests[*].ms) / `1000`",
        		level   = "upper(level)",
        		missing = "nothing.here",
        		failing = "length(level, level)",
        		ok      = "!error",
        	}
        }
        """#)
        #expect(h.warnings.contains { $0.contains("\"failing\" will fail on every line: invalid arity") })
        let e = try #require(h.one(#"{"level":"warn","meta":{"z":1.0,"a":"<b>"},"requests":[{"path":"/x","code":500,"ms":120.5},{"path":"/y","code":200,"ms":3}]}"#))
        #expect(e.x("slow") == "/x")
        #expect(e.x("codes") == "[200,500]")
        #expect(e.x("byCode") == #"{"200":[{"code":200,"ms":3,"path":"/y"}],"500":[{"code":500,"ms":120.5,"path":"/x"}]}"#)
        #expect(e.x("labels") == #"{"a":"\u003cb\u003e","z":1}"#)
        #expect(e.x("total") == "0.1235")
        #expect(e.x("level") == "WARN")
        #expect(e.x("ok") == "true")
        #expect(e.extracted["missing"] == .null)
        #expect(e.extracted["failing"] == nil)   // the search fails: Alloy sets nothing
    }

    @Test func invalidExpressionNamesWhereItIsWrong() {
        #expect(throws: (any Error).self) { try StageHarness("stage.json {\n\texpressions = {a = \"items[?\"}\n}") }
        do {
            _ = try StageHarness("stage.json {\n\texpressions = {a = \"items[?\"}\n}")
        } catch {
            #expect("\(error)".contains("(items[?): syntax error at offset 7: incomplete expression"))
        }
    }
}
