/// Where a stage reads its arguments from. The component layer implements it over the configuration's block
/// body (with positioned diagnostics); stages only see typed values. Every getter records the name as known, so
/// that unknown attributes can be reported.
public protocol StageArguments {
    func has(_ name: String) -> Bool
    mutating func string(_ name: String) -> String?
    mutating func bool(_ name: String) -> Bool?
    mutating func int(_ name: String) -> Int?
    mutating func double(_ name: String) -> Double?
    mutating func strings(_ name: String) -> [String]?
    mutating func doubles(_ name: String) -> [Double]?
    /// `map(string)`: a null value becomes "".
    mutating func map(_ name: String) -> [String: String]?
    /// A Go duration, in nanoseconds.
    mutating func duration(_ name: String) -> Int64?
    /// A base-2 byte size.
    mutating func byteSize(_ name: String) -> Int64?
    /// Nested blocks of one name, in order.
    mutating func blocks(_ name: String) -> [Self]
    /// Nested blocks whose names start with `prefix` (e.g. `stage.`), in order, with their full names.
    mutating func blocks(withPrefix prefix: String) -> [(String, Self)]
    /// Reports a problem with the stage's configuration (or with one attribute of it).
    mutating func error(_ message: String, attribute: String?)
    /// Reports something that works but is probably not what was meant (shown by `validate` and `run`).
    mutating func warning(_ message: String, attribute: String?)
    /// Merges what a nested block reported (unknown names included) into this one.
    mutating func absorb(_ nested: inout Self)
}

extension StageArguments {
    /// A required string attribute; reports it when missing.
    public mutating func requiredString(_ name: String) -> String {
        if !has(name) { error("missing required attribute \"\(name)\"", attribute: nil) }
        return string(name) ?? ""
    }

    /// A list of names that must not be empty (`values` of the label and metadata drop/keep stages).
    public mutating func nonEmptyStrings(_ name: String) -> [String] {
        let values = strings(name) ?? []
        if values.isEmpty { error("\(name) must not be empty", attribute: name) }
        return values
    }

    public mutating func required<T>(_ name: String, _ get: (inout Self, String) -> T?, zero: T) -> T {
        if !has(name) { error("missing required attribute \"\(name)\"", attribute: nil) }
        return get(&self, name) ?? zero
    }
}
