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
    public static func encode(_ v: Value) -> String {
        var out: [UInt8] = []
        write(v, &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ v: Value, _ out: inout [UInt8]) {
        switch v {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let n): out += Array(n.text.utf8)
        case .string(let s): JSONString.append(s, to: &out, style: .goHTMLSafe)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, x) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(x, &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(k, to: &out, style: .goHTMLSafe)
                out.append(UInt8(ascii: ":"))
                write(o[k]!, &out)
            }
            out.append(UInt8(ascii: "}"))
        case .capsule(let c as Secret): JSONString.append(c.value, to: &out, style: .goHTMLSafe)
        case .function, .capsule: out += Array("null".utf8)
        case .mapList: write(v.expanded, &out)
        }
    }
}
