import Codecs

extension JSON {
    /// As an extracted value: scalars as they are, objects and arrays as compact JSON (Go's escaping).
    var extracted: ExtractedValue {
        switch self {
        case .string(let s): return .string(s)
        case .number(let d, _): return .number(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        default: return .json(compact)
        }
    }
}
