import Codecs

/// One label: a name and a value.
public struct Label: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Whether `name` is a label name Loki accepts: `[a-zA-Z_][a-zA-Z0-9_]*`.
    public static func isValidName(_ name: String) -> Bool {
        var first = true
        for c in name.utf8 {
            let ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || (!first && c >= 48 && c <= 57)
            if !ok { return false }
            first = false
        }
        return !first
    }
}

/// A set of labels kept sorted by name (bytewise), so that equal sets compare and hash equal and the
/// LogQL form `{a="x", b="y"}` can be written without sorting again.
public struct LabelSet: Sendable, Hashable, CustomStringConvertible {
    public private(set) var labels: [Label]

    public init() { labels = [] }

    /// Builds a set from a dictionary; empty values are dropped (an empty label is an absent label).
    public init(_ dict: [String: String]) {
        labels = []
        labels.reserveCapacity(dict.count)
        for (name, value) in dict where !value.isEmpty { labels.append(Label(name, value)) }
        labels.sort { LabelSet.less($0.name, $1.name) }
    }

    /// Builds a set from labels in any order: sorted by name, a later duplicate name wins, empty values dropped.
    public init(_ list: [Label]) {
        labels = []
        if list.isEmpty { return }
        var sorted = true
        for i in 1..<max(1, list.count) where !LabelSet.less(list[i - 1].name, list[i].name) { sorted = false; break }
        if sorted && !list.contains(where: { $0.value.isEmpty }) {
            labels = list
        } else {
            for l in list { self[l.name] = l.value }
        }
    }

    static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The same set in storage of exactly its size, for a set kept long after insertions doubled its storage
    /// (thousands of relabelled discovery targets).
    public var compacted: LabelSet {
        guard labels.capacity > labels.count else { return self }
        var copy = LabelSet()
        copy.labels = labels.withUnsafeBufferPointer { Array($0) }
        return copy
    }

    public var isEmpty: Bool { labels.isEmpty }
    public var count: Int { labels.count }

    private func index(of name: String) -> (found: Bool, at: Int) {
        var lo = 0, hi = labels.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if labels[mid].name == name { return (true, mid) }
            if LabelSet.less(labels[mid].name, name) { lo = mid + 1 } else { hi = mid }
        }
        return (false, lo)
    }

    public subscript(name: String) -> String? {
        get {
            let (found, i) = index(of: name)
            return found ? labels[i].value : nil
        }
        set {
            let (found, i) = index(of: name)
            if let v = newValue, !v.isEmpty {
                if found { labels[i].value = v } else { labels.insert(Label(name, v), at: i) }
            } else if found {
                labels.remove(at: i)
            }
        }
    }

    /// The labels whose names do not start with `__`.
    public var withoutReserved: LabelSet {
        var copy = self
        copy.labels.removeAll { $0.name.utf8.starts(with: [95, 95]) }
        return copy
    }

    public var dictionary: [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b })
    }

    /// The LogQL form: `{a="x", b="y"}` with values quoted as Go's `strconv.Quote` does.
    public var description: String {
        var out: [UInt8] = []
        appendLogQL(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the LogQL form to a byte buffer.
    public func appendLogQL(to out: inout [UInt8]) {
        LabelSet.appendLogQL(labels, to: &out)
    }

    /// Appends `{name="value", …}` for any list of labels, in the given order.
    public static func appendLogQL(_ labels: [Label], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, l) in labels.enumerated() {
            if i > 0 { out.append(contentsOf: [44, 32]) }
            out.append(contentsOf: l.name.utf8)
            out.append(UInt8(ascii: "="))
            GoQuote.append(l.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
