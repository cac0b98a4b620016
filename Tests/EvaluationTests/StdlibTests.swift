import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Evaluation

@Suite struct StdlibTests {
    @Test func arrays() throws {
        #expect(try eval("array.concat([1], [2, 3], [])").list?.count == 3)
        #expect(try eval("concat()").list?.count == 0)
        let combined = try eval("array.combine_maps([{a = \"1\", x = \"l\"}], [{a = \"1\", y = \"r\"}, {a = \"2\"}], [\"a\"])", experimental: true)
        #expect(combined.list?.count == 1)
        #expect(evalError("array.combine_maps([], [], [\"a\"])") != nil, "experimental functions need the flag")
        let grouped = try eval("array.group_by([{k = \"a\"}, {k = \"b\"}, {k = \"a\"}, {}], \"k\", false)", experimental: true)
        #expect(grouped.list?.count == 3)
    }

    @Test func coalesceSkipsZeroValues() throws {
        #expect(try eval("coalesce(null, \"\", 0, false, [], {}, \"x\")").s == "x")
        #expect(try eval("coalesce(\"\", 0)").i == 0)
        #expect(try eval("coalesce()").typeName == "null")
    }

    @Test func constantsAndEnv() throws {
        setenv("TRIBUTARY_TEST_ENV", "hello", 1)
        #expect(try eval("sys.env(\"TRIBUTARY_TEST_ENV\")").s == "hello")
        #expect(try eval("env(\"TRIBUTARY_TEST_ENV\")").s == "hello")
        #expect(try eval("sys.env(\"TRIBUTARY_SURELY_UNSET\")").s == "")
        #expect(try eval("constants.os").s == "linux")
        #expect(try eval("constants.hostname").s?.isEmpty == false)
        #expect(try eval("constants.arch").s?.isEmpty == false)
        #expect(try eval("constants.version").s?.hasPrefix("v") == true)
    }

    @Test func encoding() throws {
        #expect(try eval("encoding.to_base64(\"hello\")").s == "aGVsbG8=")
        #expect(try eval("encoding.from_base64(\"aGVsbG8=\")").s == "hello")
        #expect(try eval("base64_decode(\"aGk=\")").s == "hi")
        #expect(try eval("encoding.to_URLbase64(\"??>\")").s == "Pz8-")
        #expect(try eval("encoding.from_URLbase64(\"Pz8-\")").s == "??>")
        #expect(try eval("encoding.url_encode(\"a b&c=d/é\")").s == "a+b%26c%3Dd%2F%C3%A9")
        #expect(try eval("encoding.url_decode(\"a+b%26c\")").s == "a b&c")
        #expect(try eval("encoding.to_json({b = 1, a = [true, null, \"<x>\"]})").s == #"{"a":[true,null,"\u003cx\u003e"],"b":1}"#)
        #expect(evalError("encoding.to_json(1)") == "encoding.to_json jsonEncode only supports map")
        let decoded = try eval(#"encoding.from_json("{\"a\": [1, 2.5], \"b\": {\"c\": null}}")"#)
        guard case .object(let o) = decoded else { Issue.record("not an object"); return }
        #expect(o["a"]?.list?.count == 2)
        #expect(try eval(#"json_decode("[1]")[0]"#).d == 1)
        let yaml = try eval(#"encoding.from_yaml("a: 1\nb: [x, 2.5, true, null]\nc:\n  d: '007'\n")"#)
        guard case .object(let y) = yaml else { Issue.record("not an object"); return }
        #expect(y["a"]?.d == 1)
        #expect(y["b"]?.list?.count == 4)
        #expect(y["b"]?.list?.first?.s == "x")
        #expect(y["b"]?.list?[1].d == 2.5)
        if case .bool(true)? = y["b"]?.list?[2] {} else { Issue.record("true is a bool") }
        if case .null? = y["b"]?.list?[3] {} else { Issue.record("null is null") }
        #expect(try eval(#"encoding.from_yaml("c:\n  d: '007'\n").c.d"#).s == "007", "a quoted scalar stays a string")
        #expect(evalError("encoding.from_yaml(\"a: [\")")?.contains("invalid YAML") == true)
    }

    @Test func jsonPath() throws {
        let r = try eval(#"json_path("{\"items\": [{\"name\": \"x\", \"v\": 1}, {\"name\": \"y\", \"v\": 2}]}", "$.items[?(@.name == 'y')].v")"#)
        #expect(r.list?.first?.d == 2)
        #expect(try eval(#"json_path("{\"a\": 1}", ".b")"#).list?.isEmpty == true)
        #expect(try eval(#"json_path("{\"a\": {\"b\": 3}}", ".a.b")"#).list?.first?.d == 3)
    }

    @Test func filePathJoin() throws {
        #expect(try eval("file.path_join(\"a\", \"b\", \"../c\")").s == "a/c")
        #expect(try eval("file.path_join(\"/var/log\", \"pods\")").s == "/var/log/pods")
        #expect(try eval("file.path_join()").s == "")
    }

    /// Deep nesting and alias bombs end in an error, quickly, instead of a stack overflow or gigabytes.
    @Test func yamlDepthAndAliasesAreBounded() throws {
        func fromYAML(_ text: String) -> String? { evalError("encoding.from_yaml(\(JSONValue.encode(.string(text))))") }
        let deepest = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(fromYAML(deepest) == nil, "256 levels are fine")
        for depth in [257, 5_000, 200_000] {
            let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            #expect(fromYAML(text)?.contains("YAML nested deeper than 256 levels") == true, "\(depth)")
        }
        let blockDeep = (0..<300).map { String(repeating: "  ", count: $0) + "k:" }.joined(separator: "\n") + " v\n"
        #expect(fromYAML(blockDeep)?.contains("YAML nested deeper than 256 levels") == true)
        // Billion laughs: nine levels of ten aliases each would expand to 10^9 nodes.
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...8 {
            let prev = "*" + String(UnicodeScalar(UInt8(96 + level)))
            bomb += "\(String(UnicodeScalar(UInt8(97 + level)))): &\(String(UnicodeScalar(UInt8(97 + level)))) [" + Array(repeating: prev, count: 9).joined(separator: ",") + "]\n"
        }
        let started = ContinuousClock.now
        #expect(fromYAML(bomb)?.contains("excessive aliasing") == true)
        #expect(ContinuousClock.now - started < .seconds(2))
        // Aliases used in moderation still work.
        #expect(try eval(#"encoding.from_yaml("a: &x [1, 2]\nb: *x\n").b[1]"#).d == 2)
    }

    /// Widths and precisions as Go's fmt takes them: from `*` arguments, negative meaning left-aligned, and never
    /// above a million (a huge one once grew the output to gigabytes).
    @Test func formatWidthsAreBounded() throws {
        #expect(try eval("string.format(\"%*d|\", 5, 1)").s == "    1|")
        #expect(try eval("string.format(\"%*d|\", -5, 1)").s == "1    |")
        #expect(try eval("string.format(\"%.*f\", 2, 3.14159)").s == "3.14")
        #expect(try eval("string.format(\"%*d\", 2000000000, 1)").s == "%!(BADWIDTH)1")
        #expect(try eval("string.format(\"%*d\", \"x\", 1)").s == "%!(BADWIDTH)1")
        #expect(try eval("string.format(\"%.*d\", 2000000000, 1)").s == "%!(BADPREC)1")
        #expect(try eval("string.format(\"%99999999999d\", 1)").s?.hasPrefix("%!(NOVERB)") == true)
        #expect(try eval("string.format(\"%1000000d\", 1)").s?.utf8.count == 1_000_000, "a million is still allowed")
        let manyWide = "string.format(\"" + String(repeating: "%1000000d", count: 20) + "\"" + String(repeating: ", 1", count: 20) + ")"
        #expect(evalError(manyWide)?.contains("formatted string would be longer than 16777216 bytes") == true)
    }

    @Test func stringFunctions() throws {
        #expect(try eval("string.format(\"%s-%d-%05.1f-%v-%q-%t\", \"a\", 7, 3.14159, 1.5, \"q\", true)").s == "a-7-003.1-1.5-\"q\"-true")
        // %v and %g of a float are Go's shortest 'g': an exponent from 1e6 (issue 18: 1e20 printed all its digits).
        #expect(try eval("string.format(\"%v %v %g %v %G\", 1e20, 123456.0, 1234567.0, 0.00001, 1e21)").s == "1e+20 123456 1.234567e+06 1e-05 1E+21")
        #expect(try eval("format(\"%s\", 1)").s == "%!s(int=1)")
        #expect(try eval("string.format(\"%[2]s %[1]s\", \"a\", \"b\")").s == "b a")
        #expect(try eval("string.format(\"%x %X %o %b %%\", 255, 255, 8, 5)").s == "ff FF 10 101 %")
        #expect(try eval("string.format(\"%d\")").s == "%!d(MISSING)")
        #expect(try eval("string.join([\"a\", 1, \"c\"], \",\")").s == "a,1,c")
        #expect(try eval("join([], \",\")").s == "")
        #expect(try eval("string.replace(\"aaa\", \"a\", \"b\")").s == "bbb")
        #expect(try eval("string.split(\"a,b,,c\", \",\")").list?.count == 4)
        #expect(try eval("string.split(\"\", \",\")").list?.count == 1)
        #expect(try eval("string.split(\"héllo\", \"\")").list?.count == 5)
        #expect(try eval("string.to_lower(\"ÀBC\")").s == "àbc")
        #expect(try eval("string.to_upper(\"àbc\")").s == "ÀBC")
        #expect(try eval("string.trim(\"xxhixx\", \"x\")").s == "hi")
        #expect(try eval("string.trim_prefix(\"prefix-x\", \"prefix-\")").s == "x")
        #expect(try eval("string.trim_suffix(\"x.log\", \".log\")").s == "x")
        #expect(try eval("string.trim_space(\"\\t hi \\n\")").s == "hi")
        #expect(try eval("to_upper(\"a\") + trim_space(\" b \") + trim(\"-c-\", \"-\") + replace(\"d\", \"d\", \"D\")").s == "AbcD")
        #expect(try eval("trim_prefix(\"ab\", \"a\") + trim_suffix(\"ab\", \"b\") + to_lower(\"C\")").s == "bac")
        #expect(try eval("split(\"a b\", \" \")[1]").s == "b")
    }

    @Test func secrets() throws {
        let v = try eval("convert.nonsensitive(\"s\")")
        #expect(v.s == "s")
        let scope: [String: Value] = ["secret_holder": .object(["v": .capsule(Secret("pw"))])]
        #expect(try eval("nonsensitive(secret_holder.v + \"!\")", scope: scope).s == "pw!")
    }
}
