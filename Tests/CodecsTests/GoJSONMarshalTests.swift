import Testing
@testable import Codecs

/// Go's `json.Marshal` of decoded values and `strconv.ParseFloat`, with values printed by Go.
@Suite struct GoJSONMarshalTests {
    @Test func floatsAsGoMarshalsThem() {
        #expect(GoFloat.formatJSON(1) == "1")
        #expect(GoFloat.formatJSON(1.5) == "1.5")
        #expect(GoFloat.formatJSON(-0.0) == "-0")
        #expect(GoFloat.formatJSON(1e20) == "100000000000000000000")
        #expect(GoFloat.formatJSON(1e21) == "1e+21")
        #expect(GoFloat.formatJSON(1.2345e300) == "1.2345e+300")
        #expect(GoFloat.formatJSON(0.000001) == "0.000001")
        #expect(GoFloat.formatJSON(0.0000001) == "1e-7")
        #expect(GoFloat.formatJSON(1.5e-10) == "1.5e-10")
        #expect(GoFloat.formatJSON(12345678901234567890) == "12345678901234567000")
        #expect(GoFloat.formatJSON(.infinity) == "null")
    }

    @Test func objectsSortedAndDeduplicated() throws {
        let v = try JSON.parse(#"{"z":1.0,"a":[2e0,"<&>"],"m":{"b":null,"a":true},"z":3}"#)
        #expect(v.goMarshalled == #"{"a":[2,"\u003c\u0026\u003e"],"m":{"a":true,"b":null},"z":3}"#)
        #expect(try JSON.parse(#"{"é":1,"e":2,"E":3}"#).goMarshalled == #"{"E":3,"e":2,"é":1}"#)
        #expect(JSON.uniqueFields([("a", .null), ("b", .bool(true)), ("a", .bool(false))]).map(\.0) == ["a", "b"])
    }

    @Test func parseFloatAsGoReadsIt() {
        #expect(GoFloat.parse("42") == 42)
        #expect(GoFloat.parse("-3.25") == -3.25)
        #expect(GoFloat.parse("+1e3") == 1000)
        #expect(GoFloat.parse(".5") == 0.5)
        #expect(GoFloat.parse("5.") == 5)
        #expect(GoFloat.parse("1_000.5") == 1000.5)
        #expect(GoFloat.parse("0x1p-2") == 0.25)
        #expect(GoFloat.parse("0x1.8p1") == 3)
        #expect(GoFloat.parse("Inf") == .infinity)
        #expect(GoFloat.parse("-infinity") == -.infinity)
        #expect(GoFloat.parse("NaN")?.isNaN == true)
        for bad in ["", " 1", "1 ", "0x10", "1__0", "_1", "1_", "1e", "e5", "1.2.3", "1e400", "abc", "--1", "."] {
            #expect(GoFloat.parse(bad) == nil, "\(bad)")
        }
    }
}
