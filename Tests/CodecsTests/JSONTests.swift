import Testing
import Codecs

@Suite struct JSONTests {
    @Test func parsesDocumentsKeepingKeyOrderAndNumberText() throws {
        let doc = try JSON.parse(#" {"b": [1, 2.50, -3e2, true, false, null], "a": {"x": "y\u00e9"}, "b2": 0} "#)
        guard case .object(let fields) = doc else { Issue.record("not an object"); return }
        #expect(fields.map(\.0) == ["b", "a", "b2"])
        #expect(doc["a"]?["x"] == .string("yé"))
        #expect(doc.compact == #"{"b":[1,2.50,-3e2,true,false,null],"a":{"x":"yé"},"b2":0}"#)
        #expect(try JSON.parse(#"{"k":1,"k":2}"#)["k"] == .number(2, "2"), "the last of a repeated key")
    }

    @Test func refusesWhatGoRefuses() {
        let bad: [(String, String)] = [
            ("", "unexpected end of JSON input"), ("{", "expected string key"), (#"{"a" 1}"#, "expected ':' after object key"),
            ("[1,]", "invalid character looking for beginning of value"), ("01", "invalid character after top-level value"),
            ("1.", "invalid character after decimal point in numeric literal"), ("1e", "invalid character in exponent of numeric literal"),
            ("+1", "invalid character looking for beginning of value"), ("tru", "invalid literal"), (#""\q""#, "invalid escape \\q"),
            ("[1] x", "invalid character after top-level value"), ("\"a", "unterminated string literal"),
        ]
        for (text, message) in bad {
            #expect(throws: JSONError.self, "\(text)") { try JSON.parse(text) }
            do { _ = try JSON.parse(text) } catch { #expect(error.message == message, "\(text)") }
        }
    }

    @Test func depthIsBounded() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try JSON.parse(deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(try JSON.parse(fine) != .null)
    }
}
