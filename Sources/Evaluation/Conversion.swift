import Codecs
/// A Swift type that a component argument can be converted to from an Alloy value (alloy-syntax.md §3.5).
public protocol AlloyDecodable: Sendable {
    /// The Alloy type name used in messages, e.g. `string`, `list(map(string))`.
    static var alloyTypeName: String { get }
    static func decode(_ v: Value) throws(ValueError) -> Self
    /// The zero value `null` converts to.
    static var zero: Self { get }
}

extension String: AlloyDecodable {
    public static var alloyTypeName: String { "string" }
    public static var zero: String { "" }
    public static func decode(_ v: Value) throws(ValueError) -> String { try toStringValue(v) }
}

extension Bool: AlloyDecodable {
    public static var alloyTypeName: String { "bool" }
    public static var zero: Bool { false }
    public static func decode(_ v: Value) throws(ValueError) -> Bool {
        switch v {
        case .bool(let b): return b
        case .null: return false
        default: throw ValueError("should be bool, got \(v.typeName)")
        }
    }
}

/// Converts a value to a number: numbers as they are, strings if the whole string parses.
public func toNumber(_ v: Value) throws(ValueError) -> Number {
    switch v {
    case .number(let n): return n
    case .null: return .int(0)
    case .string(let s):
        if s.hasPrefix("-") {
            if let i = Int64(s) { return .int(i) }
        } else if s.contains(".") || s.contains("e") || s.contains("E") {
            if !s.hasPrefix("+"), !s.contains(" "), let d = Double(s) { return .float(d) }
        } else if let u = UInt64(s) {
            return .uint(u)
        }
        throw ValueError("\(GoQuote.quoted(s)) cannot be converted to number")
    default:
        throw ValueError("should be number, got \(v.typeName)")
    }
}

extension Int: AlloyDecodable {
    public static var alloyTypeName: String { "number" }
    public static var zero: Int { 0 }
    public static func decode(_ v: Value) throws(ValueError) -> Int { Int(try toNumber(v).asInt64) }
}

extension Int64: AlloyDecodable {
    public static var alloyTypeName: String { "number" }
    public static var zero: Int64 { 0 }
    public static func decode(_ v: Value) throws(ValueError) -> Int64 { try toNumber(v).asInt64 }
}

extension UInt64: AlloyDecodable {
    public static var alloyTypeName: String { "number" }
    public static var zero: UInt64 { 0 }
    public static func decode(_ v: Value) throws(ValueError) -> UInt64 { try toNumber(v).asUInt64 }
}

extension Double: AlloyDecodable {
    public static var alloyTypeName: String { "number" }
    public static var zero: Double { 0 }
    public static func decode(_ v: Value) throws(ValueError) -> Double { try toNumber(v).asDouble }
}

extension Array: AlloyDecodable where Element: AlloyDecodable {
    public static var alloyTypeName: String { "list(\(Element.alloyTypeName))" }
    public static var zero: [Element] { [] }
    public static func decode(_ v: Value) throws(ValueError) -> [Element] {
        switch v {
        case .null: return []
        case .mapList: return try decode(v.expanded)
        case .array(let items):
            var out: [Element] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                do throws(ValueError) { out.append(try Element.decode(item)) } catch {
                    throw ValueError(error.message, path: "[\(i)]" + error.path)
                }
            }
            return out
        default:
            throw ValueError("should be array, got \(v.typeName)")
        }
    }
}

extension Dictionary: AlloyDecodable where Key == String, Value: AlloyDecodable {
    public static var alloyTypeName: String { "map(\(Value.alloyTypeName))" }
    public static var zero: [String: Value] { [:] }
    public static func decode(_ v: AlloyValue) throws(ValueError) -> [String: Value] {
        switch v {
        case .null: return [:]
        case .object(let o):
            var out: [String: Value] = [:]
            for (k, item) in o {
                do throws(ValueError) { out[k] = try Value.decode(item) } catch {
                    let key = isValidIdentifierForPath(k) ? ".\(k)" : "[\"\(k)\"]"
                    throw ValueError(error.message, path: key + error.path)
                }
            }
            return out
        default:
            throw ValueError("should be object, got \(v.typeName)")
        }
    }
}

private func isValidIdentifierForPath(_ s: String) -> Bool {
    guard let f = s.unicodeScalars.first, f == "_" || f.properties.isAlphabetic else { return false }
    return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
}

extension Secret: AlloyDecodable {
    public static var alloyTypeName: String { "secret" }
    public static var zero: Secret { Secret("") }
    public static func decode(_ v: Value) throws(ValueError) -> Secret {
        switch v {
        case .capsule(let s as Secret): return s
        case .string(let s): return Secret(s)
        case .null: return Secret("")
        default: throw ValueError("should be capsule(\"secret\"), got \(v.typeName)")
        }
    }
}

extension Value: AlloyDecodable {
    public static var alloyTypeName: String { "any" }
    public static var zero: Value { .null }
    public static func decode(_ v: Value) throws(ValueError) -> Value { v }
}

/// A duration in nanoseconds, written with Go's syntax (`"10s"`, `"1h30m"`, `"250ms"`).
public struct AlloyDuration: AlloyDecodable, Hashable, Comparable, CustomStringConvertible {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public static func seconds(_ s: Double) -> AlloyDuration { AlloyDuration(nanoseconds: Int64(s * 1e9)) }
    public static func milliseconds(_ ms: Int64) -> AlloyDuration { AlloyDuration(nanoseconds: ms * 1_000_000) }
    public static var alloyTypeName: String { "duration" }
    public static var zero: AlloyDuration { AlloyDuration(nanoseconds: 0) }
    public static func < (a: AlloyDuration, b: AlloyDuration) -> Bool { a.nanoseconds < b.nanoseconds }
    public var swiftDuration: Duration { .nanoseconds(nanoseconds) }
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    public static func decode(_ v: Value) throws(ValueError) -> AlloyDuration {
        let s = try toStringValue(v)
        return AlloyDuration(nanoseconds: try parse(s))
    }

    /// Go's `time.ParseDuration`.
    public static func parse(_ s: String) throws(ValueError) -> Int64 {
        do throws(CodecError) { return try GoDuration.parse(s) } catch { throw ValueError(error.message) }
    }

    /// Go's `Duration.String`: `"1h30m0s"`, `"1.5s"`, `"250ms"`.
    public var description: String { GoDuration.format(nanoseconds) }
}

/// Swift's own duration reads as Alloy's duration does, so module configuration structs can hold `Duration`.
extension Duration: AlloyDecodable {
    public static var alloyTypeName: String { "duration" }
    public static func decode(_ v: Value) throws(ValueError) -> Duration { try AlloyDuration.decode(v).swiftDuration }
}

/// A size in bytes written with base-2 units (`"1MiB"`, `"8KB"`, where `KB` = 1024).
public struct ByteSize: AlloyDecodable, Hashable, Comparable {
    public var bytes: Int64
    public init(bytes: Int64) { self.bytes = bytes }
    public static var alloyTypeName: String { "string" }
    public static var zero: ByteSize { ByteSize(bytes: 0) }
    public static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }

    public static func decode(_ v: Value) throws(ValueError) -> ByteSize {
        ByteSize(bytes: try parse(try toStringValue(v)))
    }

    /// Alloy's `units.ParseBase2Bytes`.
    public static func parse(_ s: String) throws(ValueError) -> Int64 {
        do throws(CodecError) { return try Base2Bytes.parse(s) } catch { throw ValueError(error.message) }
    }
}

/// A target: a label set as `map(string)`; values that are not strings are converted as assignment does.
public typealias Target = [String: String]
