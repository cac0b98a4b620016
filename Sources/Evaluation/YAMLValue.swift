import Yams

/// `encoding.from_yaml`: YAML (through Yams/libyaml) to Alloy values — mappings become objects (keys must be
/// strings), sequences arrays, and scalars typed by YAML's core schema: null, bool, int, float, or string.
enum YAMLValue {
    static func decode(_ text: String) throws(ValueError) -> Value {
        try YAMLLimits.check(text)
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw ValueError("invalid YAML: \(error)")
        }
        guard let node else { return .null }
        return try value(node)
    }

    static func value(_ node: Node) throws(ValueError) -> Value {
        switch node {
        case .scalar(let scalar):
            // The tag the resolver gave the scalar (quoted scalars resolve to str).
            switch node.tag {
            case Tag(.null): return .null
            case Tag(.bool): if let b = node.bool { return .bool(b) }
            case Tag(.int): if let i = node.int { return .number(.int(Int64(i))) }
            case Tag(.float): if let f = node.float { return .number(.float(f)) }
            default: break
            }
            return .string(scalar.string)
        case .sequence(let seq):
            var out: [Value] = []
            for item in seq { out.append(try value(item)) }
            return .array(out)
        case .mapping(let map):
            var out: [String: Value] = [:]
            for (k, v) in map {
                guard case .scalar(let key) = k else { throw ValueError("YAML mapping keys must be strings") }
                out[key.string] = try value(v)
            }
            return .object(out)
        }
    }
}
