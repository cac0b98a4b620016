/// Results computed from label sets, remembered by the label sets' storage for one more round. A list recomputed
/// with mostly the same label sets (discovery republishing after one pod changed) gets the earlier results, and
/// shares their memory, for the unchanged ones, without hashing a label. Only the latest round is kept.
///
/// The storage address is a sound key because the memo retains every label set it remembers: no other live label
/// set can have that address, and a hit is confirmed by comparing the sets (the same storage compares in O(1)).
public struct LabelSetMemo<Result> {
    private typealias Entry = (labels: LabelSet, result: Result)
    private var previous: [Int: Entry] = [:]
    private var current: [Int: Entry] = [:]

    public init() {}

    /// The result remembered for `labels` in the last round, or the one `compute` gives; kept for the next round.
    public mutating func result(for labels: LabelSet, _ compute: (LabelSet) -> Result) -> Result {
        let result = remembered(labels) ?? compute(labels)
        remember(result, for: labels)
        return result
    }

    /// The result remembered for `labels` in the last round.
    public func remembered(_ labels: LabelSet) -> Result? {
        guard let e = previous[labels.storageKey], e.labels == labels else { return nil }
        return e.result
    }

    /// Keeps `result` for `labels` for the next round.
    public mutating func remember(_ result: Result, for labels: LabelSet) {
        current[labels.storageKey] = (labels, result)
    }

    /// Ends a round: what was looked up in it is what the next round can reuse.
    public mutating func endRound() {
        previous = current
        current = Dictionary(minimumCapacity: previous.count)
    }

    /// Forgets every result (the computation itself changed).
    public mutating func removeAll() {
        previous = [:]
        current = [:]
    }
}

extension LabelSetMemo: Sendable where Result: Sendable {}

extension LabelSet {
    /// The address of the labels' storage: equal for copies of one set, distinct for live sets built separately.
    var storageKey: Int { labels.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) } }
}
