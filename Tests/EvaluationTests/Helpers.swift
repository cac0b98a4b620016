import Syntax
@testable import Evaluation

/// Evaluates one expression written in Alloy syntax.
func eval(_ text: String, scope: [String: Value] = [:], experimental: Bool = false) throws(Diagnostic) -> Value {
    try Evaluator.evaluate(text, scope: scope, allowExperimental: experimental, name: "t.alloy")
}

/// The message of the diagnostic an expression fails with, or nil if it evaluates.
func evalError(_ text: String, experimental: Bool = false) -> String? {
    do {
        _ = try eval(text, experimental: experimental)
        return nil
    } catch {
        return error.message
    }
}

extension Value {
    var s: String? { if case .string(let v) = self { return v }; return nil }
    var d: Double? { if case .number(let n) = self { return n.asDouble }; return nil }
    var i: Int64? { if case .number(let n) = self, case .int(let v) = n { return v }; return nil }
    var b: Bool? { if case .bool(let v) = self { return v }; return nil }
    var list: [Value]? { if case .array(let v) = self { return v }; return nil }
}
