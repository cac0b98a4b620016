import LogCore

/// A value in the extracted map: what parsing stages store and later stages read.
public enum ExtractedValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    /// A JSON object or array, kept as its compact JSON text.
    case json(String)

    /// The "to string" conversion of Alloy's stages; nil when the value cannot be converted (null).
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return formatNumber(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return nil
        case .json(let s): return s
        }
    }
}

/// Shortest decimal text of a number, without an exponent (Go's `strconv.FormatFloat(f, 'f', -1, 64)`).
func formatNumber(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    let s = "\(d)"
    guard s.contains("e") else { return s }
    // Expand the exponent.
    let parts = s.split(separator: "e")
    let exp = Int(parts[1]) ?? 0
    var mant = String(parts[0])
    let neg = mant.hasPrefix("-")
    if neg { mant.removeFirst() }
    var digits = mant.replacingOccurrences(".", "")
    let point = (mant.firstIndex(of: ".").map { mant.distance(from: mant.startIndex, to: $0) } ?? mant.count) + exp
    var out: String
    if point <= 0 {
        out = "0." + String(repeating: "0", count: -point) + digits
    } else if point >= digits.count {
        out = digits + String(repeating: "0", count: point - digits.count)
    } else {
        digits.insert(".", at: digits.index(digits.startIndex, offsetBy: point))
        out = digits
    }
    return neg ? "-" + out : out
}

extension String {
    func replacingOccurrences(_ a: Character, _ b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}

/// The extracted map of one entry. At pipeline entry it is seeded with the entry's labels: they are kept as a
/// snapshot and looked up lazily, so an entry that no stage parses never builds a dictionary.
public struct Extracted: Sendable {
    private var values: [String: ExtractedValue] = [:]
    private var removed: Set<String> = []
    private var seed: LabelSet

    public init(seed: LabelSet) { self.seed = seed }

    public subscript(key: String) -> ExtractedValue? {
        get {
            if let v = values[key] { return v }
            if removed.contains(key) { return nil }
            return seed[key].map { .string($0) }
        }
        set {
            if let v = newValue {
                values[key] = v
                removed.remove(key)
            } else {
                values[key] = nil
                removed.insert(key)
            }
        }
    }

    /// Re-seeds with `labels` (as a nested `stage.match` pipeline does): labels overwrite keys of the same name.
    public mutating func reseed(_ labels: LabelSet) {
        for l in labels.labels {
            values[l.name] = .string(l.value)
            removed.remove(l.name)
        }
    }

    /// Every key currently present.
    public var keys: [String] {
        var k = Set(values.keys)
        for l in seed.labels where !removed.contains(l.name) { k.insert(l.name) }
        return k.sorted()
    }
}

/// An entry as it moves through `loki.process`: the entry and its extracted map.
public struct ProcessEntry: Sendable {
    public var entry: LogEntry
    public var extracted: Extracted

    public init(_ entry: LogEntry) {
        self.entry = entry
        self.extracted = Extracted(seed: entry.labels)
    }

    /// The line as a String (made only by stages that need one).
    public var lineString: String { String(decoding: entry.line, as: UTF8.self) }
}
