import Codecs
import LogCore

/// A value in the extracted map: what parsing stages store and later stages read.
public enum ExtractedValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    /// A JSON object or array, kept as its compact JSON text.
    case json(String)
    /// Text kept as the bytes it was cut from (a String is made only when a stage asks for one).
    case bytes([UInt8])
    /// Text that is a part of a line's bytes, shared without copying.
    case slice(ArraySlice<UInt8>)

    /// The "to string" conversion of Alloy's stages; nil when the value cannot be converted (null).
    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return GoFloat.formatPlain(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return nil
        case .json(let s): return s
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        case .slice(let b): return String(decoding: b, as: UTF8.self)
        }
    }
}


/// The extracted map of one entry. At pipeline entry it is seeded with the entry's labels: they are kept as a
/// snapshot and looked up lazily, so an entry that no stage parses never builds a map. Entries hold a handful of
/// keys, so they live in a small array searched linearly (cheaper than hashing at this size); a nil value marks a
/// removed key.
public struct Extracted: Sendable {
    private var values: ContiguousArray<(key: String, value: ExtractedValue?)> = []
    private var seed: LabelSet

    public init(seed: LabelSet) { self.seed = seed }

    private func find(_ key: String) -> Int? {
        for i in values.indices where values[i].key == key { return i }
        return nil
    }

    public subscript(key: String) -> ExtractedValue? {
        get {
            if let i = find(key) { return values[i].value }
            return seed[key].map { .string($0) }
        }
        set {
            if let i = find(key) {
                values[i].value = newValue
            } else {
                if values.isEmpty { values.reserveCapacity(6) }
                values.append((key, newValue))
            }
        }
    }

    /// Re-seeds with `labels` (as a nested `stage.match` pipeline does): labels overwrite keys of the same name.
    public mutating func reseed(_ labels: LabelSet) {
        for l in labels.labels { self[l.name] = .string(l.value) }
    }

    /// Every key currently present.
    public var keys: [String] {
        var k = Set<String>()
        for l in seed.labels { k.insert(l.name) }
        for (key, value) in values {
            if value == nil { k.remove(key) } else { k.insert(key) }
        }
        return k.sorted()
    }
}

/// An entry as it moves through `loki.process`: the entry and its extracted map.
public struct ProcessEntry: Sendable {
    public var entry: LogEntry
    public var extracted: Extracted
    /// Set on an entry a stage held (or built from held ones): its claim on the source's position, released once
    /// the entry is forwarded and acknowledged, or dropped.
    public var hold: HoldToken?

    public init(_ entry: LogEntry) {
        self.entry = entry
        self.extracted = Extracted(seed: entry.labels)
    }

    /// Claims the source's position (`ctx.held`, that of the batch being processed) for this entry, which a stage
    /// is about to keep past its batch.
    mutating func holdPosition(_ ctx: PipelineContext) {
        if hold == nil, let held = ctx.held { hold = HoldToken(held, origin: entry.origin) }
    }

    /// The line as a String (made only by stages that need one).
    public var lineString: String { String(decoding: entry.line, as: UTF8.self) }
}
