import Codecs
import Syntax

/// A number as Alloy keeps it: a signed or unsigned 64-bit integer, or a float.
public enum Number: Sendable, Equatable {
    case int(Int64)
    case uint(UInt64)
    case float(Double)

    /// Kind order for binary arithmetic: uint < int < float.
    var rank: Int {
        switch self {
        case .uint: return 0
        case .int: return 1
        case .float: return 2
        }
    }

    public var asDouble: Double {
        switch self {
        case .int(let v): return Double(v)
        case .uint(let v): return Double(v)
        case .float(let v): return v
        }
    }

    public var asInt64: Int64 {
        switch self {
        case .int(let v): return v
        case .uint(let v): return Int64(truncatingIfNeeded: v)
        case .float(let v):
            if v.isNaN { return 0 }
            if v >= 9.223372036854775807e18 { return Int64.max }
            if v <= -9.223372036854775808e18 { return Int64.min }
            return Int64(v)
        }
    }

    var asUInt64: UInt64 {
        switch self {
        case .int(let v): return UInt64(bitPattern: v)
        case .uint(let v): return v
        case .float(let v):
            if v.isNaN || v <= 0 { return v < 0 ? UInt64(bitPattern: Int64(max(v, -9.2e18))) : 0 }
            if v >= 1.8446744073709552e19 { return UInt64.max }
            return UInt64(v)
        }
    }

    /// Decimal text: integers as they are, floats in shortest round-trip form without exponent.
    public var text: String {
        switch self {
        case .int(let v): return String(v)
        case .uint(let v): return String(v)
        case .float(let v): return GoFloat.formatPlain(v)
        }
    }
}

/// Runtime values internal to components (log receivers, secrets), carried through expressions unchanged.
public protocol CapsuleValue: Sendable {
    /// The name shown in type errors: `capsule("loki.LogsReceiver")`.
    var capsuleName: String { get }
    func isEqual(to other: any CapsuleValue) -> Bool
}

/// A type whose values are, or hold, secrets: an attribute decoded as one is never shown.
public protocol SecretBearing {}
extension Array: SecretBearing where Element: SecretBearing {}
extension Dictionary: SecretBearing where Value: SecretBearing {}
extension Optional: SecretBearing where Wrapped: SecretBearing {}

/// A capsule that carries data from one component to another (a log receiver): the component that owns it is
/// where entries flow when another component's arguments hold it.
public protocol DataFlowCapsule: CapsuleValue {
    var ownerID: String { get }
}

/// A string that must not be shown: `secret` in Alloy.
public struct Secret: CapsuleValue, Equatable, SecretBearing {
    public var value: String
    public init(_ value: String) { self.value = value }
    public var capsuleName: String { "secret" }
    public func isEqual(to other: any CapsuleValue) -> Bool { (other as? Secret) == self }
}

/// A standard-library or component-provided function.
public struct Function: Sendable {
    public enum Arity: Sendable { case exactly(Int), atLeast(Int) }
    public var name: String
    public var arity: Arity
    public var call: @Sendable ([Value]) throws(ValueError) -> Value
    public init(_ name: String, _ arity: Arity, _ call: @escaping @Sendable ([Value]) throws(ValueError) -> Value) {
        self.name = name
        self.arity = arity
        self.call = call
    }
}

/// A `list(map(string))` kept in a compact form by the component that built it, such as discovery targets:
/// handed from component to component as it is, and expanded into an array of objects only when an expression
/// looks inside it (`Value.expanded`). Thousands of targets then exist once, not once per component.
public protocol StringMapList: Sendable {
    var count: Int { get }
    /// Calls `body` with each name and value of the map at `index`.
    func forEachEntry(at index: Int, _ body: (String, String) -> Void)
}

/// An Alloy value. Strings, numbers and the array/object storage sit inline (17 bytes), so a list of
/// thousands of targets is not thousands of boxes; only the rare, large function and capsule payloads are boxed.
public enum Value: Sendable {
    case null
    case number(Number)
    case string(String)
    case bool(Bool)
    case array([Value])
    case object([String: Value])
    indirect case function(Function)
    indirect case capsule(any CapsuleValue)
    /// A list of string maps in a component's own compact form; behaves exactly as the `.array` of `.object`s
    /// it expands to.
    indirect case mapList(any StringMapList)

    /// The value with a `.mapList` expanded into the array of objects it stands for; other values as they are.
    public var expanded: Value {
        guard case .mapList(let list) = self else { return self }
        var out: [Value] = []
        out.reserveCapacity(list.count)
        for i in 0..<list.count {
            var object: [String: Value] = [:]
            list.forEachEntry(at: i) { object[$0] = .string($1) }
            out.append(.object(object))
        }
        return .array(out)
    }

    /// The type name used in messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .number: return "number"
        case .string: return "string"
        case .bool: return "bool"
        case .array, .mapList: return "array"
        case .object: return "object"
        case .function: return "function"
        case .capsule: return "capsule"
        }
    }

    public static func int(_ v: Int) -> Value { .number(.int(Int64(v))) }
    public static func float(_ v: Double) -> Value { .number(.float(v)) }

    /// Alloy equality: never an error; numbers compare by value across kinds; functions never equal.
    public func equals(_ other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.number(let a), .number(let b)): return numbersEqual(a, b)
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.equals($1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            for (k, v) in a {
                guard let w = b[k], v.equals(w) else { return false }
            }
            return true
        case (.capsule(let a), .capsule(let b)): return a.isEqual(to: b)
        case (.mapList, _), (_, .mapList): return expanded.equals(other.expanded)
        default: return false
        }
    }

    /// Whether this is the zero value of its type (used by `coalesce`).
    var isZeroOrEmpty: Bool {
        switch self {
        case .null: return true
        case .number(let n): return n.asDouble == 0
        case .string(let s): return s.isEmpty
        case .bool(let b): return !b
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        case .mapList(let l): return l.count == 0
        default: return false
        }
    }

    /// The value in Alloy syntax, for messages (secrets are hidden).
    public var rendered: String {
        switch self {
        case .null: return "null"
        case .number(let n): return n.text
        case .string(let s): return GoQuote.quoted(s)
        case .bool(let b): return b ? "true" : "false"
        case .array(let a): return "[" + a.map(\.rendered).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { k in
                (isValidIdentifier(k) ? k : GoQuote.quoted(k)) + " = " + o[k]!.rendered
            }.joined(separator: ", ") + "}"
        case .function(let f): return "function(\(f.name))"
        case .capsule(let c): return c is Secret ? "(secret)" : "capsule(\"\(c.capsuleName)\")"
        case .mapList: return expanded.rendered
        }
    }
}

func numbersEqual(_ a: Number, _ b: Number) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x == y
    case (.uint(let x), .uint(let y)): return x == y
    case (.int(let x), .uint(let y)), (.uint(let y), .int(let x)): return x >= 0 && UInt64(x) == y
    default: return a.asDouble == b.asDouble
    }
}

/// A problem with a value: a detail message and the path inside the value (`[0]`, `.field`).
public struct ValueError: Error, Sendable {
    public var message: String
    public var path: String = ""
    /// The argument index of a function call the error concerns, if any.
    public var argument: Int? = nil
    public init(_ message: String, path: String = "", argument: Int? = nil) {
        self.message = message
        self.path = path
        self.argument = argument
    }
}

/// Another name for ``Value``, for contexts where `Value` names a generic parameter.
public typealias AlloyValue = Value
