import Codecs

/// An error while evaluating an expression (a function given the wrong type or arity, an unknown function or
/// variable). Alloy's json stage skips the expression for that line when its search fails.
public struct JMESPathError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension JSON {
    /// JMESPath truthiness: false, null, "", [] and {} are false; everything else, 0 included, is true.
    var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .string(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .object(let f): return !f.isEmpty
        case .number: return true
        }
    }

    /// The number, when the value is one.
    var numberValue: Double? {
        if case .number(let d, _) = self { return d }
        return nil
    }

    /// Equality of the decoded values (Go's `reflect.DeepEqual` after `json.Unmarshal`): objects as maps, whatever
    /// their key order; numbers by value.
    func jmesEquals(_ other: JSON) -> Bool {
        switch (self, other) {
        case (.object(let a), .object(let b)):
            let x = JSON.uniqueFields(a), y = JSON.uniqueFields(b)
            guard x.count == y.count else { return false }
            for (k, v) in x {
                guard let w = y.last(where: { $0.0 == k })?.1, v.jmesEquals(w) else { return false }
            }
            return true
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.jmesEquals($1) }
        case (.number(let a, _), .number(let b, _)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// The JMESPath type name (`type()`).
    var jmesTypeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// A whole number given as a float (`util.ToInteger`): nil for a fraction or a non-number.
    var integerValue: Int? {
        guard let d = numberValue, d.rounded(.down) == d, abs(d) < 9.2e18 else { return nil }
        return Int(d)
    }
}

/// Compares strings as Go does: by their UTF-8 bytes.
@inline(__always)
func goLess(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
