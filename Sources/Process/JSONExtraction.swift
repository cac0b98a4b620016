import Codecs

extension JSON {
    /// As an extracted value (Alloy's `simplifyType`): scalars as they are, objects and arrays as Go's `json.Marshal`
    /// writes them (keys sorted, numbers from their float64 value, HTML-safe escaping).
    var extracted: ExtractedValue {
        switch self {
        case .string(let s): return .string(s)
        case .number(let d, _): return .number(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        default: return .json(goMarshalled)
        }
    }
}
