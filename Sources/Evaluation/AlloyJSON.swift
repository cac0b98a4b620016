import Codecs

/// Alloy's JSON form of bodies and values (its `alloyjson` encoding, which its UI and API use): a body is an
/// array of `{"name", "type": "attr", "value"}` and `{"name", "type": "block", "label"?, "body"}`; a value is
/// `{"type": "string" | "number" | "bool" | "null" | "array" | "object" | "function" | "capsule", "value"}`, an
/// object's value a list of `{"key", "value"}` in key order. Secrets are `(secret)`, never their text.
public enum AlloyJSON {
    public static func body(_ statements: [EvaluatedStatement]) -> JSON {
        .array(statements.map { s in
            switch s {
            case .attribute(let name, let value):
                return .object([("name", .string(name)), ("type", .string("attr")), ("value", self.value(value))])
            case .block(let name, let label, let body):
                var fields: [(String, JSON)] = [("name", .string(name)), ("type", .string("block"))]
                if !label.isEmpty { fields.append(("label", .string(label))) }
                fields.append(("body", self.body(body)))
                return .object(fields)
            }
        })
    }

    /// A map of values as a body of attributes (exports), in name order.
    public static func body(_ attributes: [String: Value]) -> JSON {
        body(attributes.keys.sorted().map { EvaluatedStatement.attribute(name: $0, value: attributes[$0]!) })
    }

    public static func value(_ v: Value) -> JSON {
        func typed(_ type: String, _ value: JSON?) -> JSON {
            var fields: [(String, JSON)] = [("type", .string(type))]
            if let value { fields.append(("value", value)) }
            return .object(fields)
        }
        switch v {
        case .null: return typed("null", nil)
        case .number(let n): return typed("number", .number(n.asDouble, n.text))
        case .string(let s): return typed("string", .string(s))
        case .bool(let b): return typed("bool", .bool(b))
        case .array(let a): return typed("array", .array(a.map(value)))
        case .object(let o):
            return typed("object", .array(o.keys.sorted().map { .object([("key", .string($0)), ("value", value(o[$0]!))]) }))
        case .function: return typed("function", .string(v.rendered))
        // A receiver shows as Alloy's does: `<owner id>.receiver`.
        case .capsule(let c as any DataFlowCapsule): return typed("capsule", .string(c.ownerID + ".receiver"))
        case .capsule: return typed("capsule", .string(v.rendered))
        case .mapList: return value(v.expanded)
        }
    }
}
