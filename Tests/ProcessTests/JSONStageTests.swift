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
