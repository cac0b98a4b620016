import Codecs
import Syntax
import Testing
@testable import Evaluation

/// Alloy's JSON form of values and bodies, as its web API writes them.
@Suite struct AlloyJSONTests {
    func text(_ j: JSON) -> String {
        var out: [UInt8] = []
        j.write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func valuesCarryTheirType() throws {
        #expect(text(AlloyJSON.value(.null)) == #"{"type":"null"}"#)
        #expect(text(AlloyJSON.value(.number(.int(42)))) == #"{"type":"number","value":42}"#)
        #expect(text(AlloyJSON.value(.number(.float(0.5)))) == #"{"type":"number","value":0.5}"#)
        #expect(text(AlloyJSON.value(.string("a<b"))) == #"{"type":"string","value":"a\u003cb"}"#, "Go's HTML-safe escaping")
        #expect(text(AlloyJSON.value(.bool(true))) == #"{"type":"bool","value":true}"#)
        #expect(text(AlloyJSON.value(.array([.string("x")]))) == #"{"type":"array","value":[{"type":"string","value":"x"}]}"#)
        #expect(text(AlloyJSON.value(.object(["b": .bool(false), "a": .null]))) ==
                #"{"type":"object","value":[{"key":"a","value":{"type":"null"}},{"key":"b","value":{"type":"bool","value":false}}]}"#)
        #expect(text(AlloyJSON.value(.capsule(Secret("hunter2")))) == #"{"type":"capsule","value":"(secret)"}"#)
    }

    @Test func bodiesEvaluateWithSecretsHidden() throws {
        let text = "a = 1 + 2\ntoken = \"s3cr3t\"\nblk \"lbl\" {\n\tb = [\"x\"]\n}\nbad = nope\n"
        let src = SourceFile(name: "t.alloy", text: text)
        let file = try Parser.parse(src)
        let tokenOffset = Array(text.utf8).firstIndex(of: UInt8(ascii: "t"))!
        let body = Evaluator(source: src).evaluateBody(file.body, secrets: [tokenOffset])
        #expect(self.text(AlloyJSON.body(body)) == #"[{"name":"a","type":"attr","value":{"type":"number","value":3}},"#
                + #"{"name":"token","type":"attr","value":{"type":"capsule","value":"(secret)"}},"#
                + #"{"name":"blk","type":"block","label":"lbl","body":[{"name":"b","type":"attr","value":{"type":"array","value":[{"type":"string","value":"x"}]}}]},"#
                + #"{"name":"bad","type":"attr","value":{"type":"null"}}]"#)
    }
}
