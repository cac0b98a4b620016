import Codecs

/// JSON decoding into Alloy values (numbers become floats, a repeated key keeps its last value) and compact
/// encoding with sorted keys, as Go's `encoding/json` does for `map[string]any`.
public enum JSONValue {
    public static func decode(_ bytes: [UInt8]) throws(ValueError) -> Value {
        do throws(JSONError) {
            return value(try JSON.parse(bytes))
        } catch {
            throw ValueError(error.description)
        }
    }

    static func value(_ json: JSON) -> Value {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let d, _): return .number(.float(d))
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(value))
        case .object(let fields):
            var o: [String: Value] = [:]
            for (k, v) in fields { o[k] = value(v) }
            return .object(o)
        }
    }

    /// Compact JSON with object keys sorted and strings escaped as Go's encoder does.
    public static func encode(_ v: Value) -> String { json(v).compact }

    /// The JSON document of a value: object keys sorted, a secret as its text, functions as null.
    static func json(_ v: Value) -> JSON {
        switch v {
        case .capsule(let c as Secret): return .string(c.value)
        case .null, .function, .capsule: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n.asDouble, n.text)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(json))
        case .object(let o): return .object(o.keys.sorted().map { ($0, json(o[$0]!)) })
        case .mapList: return json(v.expanded)
        }
    }
}
