import Platform
import Codecs
import LogCore
#if canImport(Glibc)
import Glibc
#endif

/// Why an entry read from the journal was not forwarded.
public enum JournalSkipReason: String, CaseIterable, Sendable, Error {
    /// No `MESSAGE`, or an empty one (Alloy's `no_message`).
    case noMessage = "no_message"
    /// No label left after relabelling and removing `__` labels (Alloy's `empty_labels`).
    case emptyLabels = "empty_labels"
    /// A relabel rule dropped it on purpose.
    case relabelDrop = "relabel_drop"
    /// libsystemd could not read the entry's fields.
    case unreadable = "unreadable_entry"
}

/// Turns the journal's current entry into a `LogEntry`: timestamp, line and labels, per ``JournalLabeling``.
///
/// Runs on the reader thread and keeps its scratch buffers between entries, so that an entry costs one copy of its
/// line: the labels of the fields the rules read are looked up by those fields' bytes in a cache of relabel results.
struct JournalEntryMapper {
    let labeling: JournalLabeling
    /// `NAME` bytes of the fields offered as labels (nil: all of them).
    private let wanted: [[UInt8]]?
    private let wantedLabels: [String]
    private var values: [[UInt8]]
    private var present: [Bool]
    private var key: [UInt8] = []
    private var cache: [[UInt8]: Result<LabelSet, JournalSkipReason>] = [:]
    private static let cacheLimit = 4096
    /// Label names made for field names already seen (every-field mode), by a hash of the field name.
    private var labelNames: [UInt64: [(field: [UInt8], label: String)]] = [:]
    /// Every field of the entry, for JSON lines: bytes and where each name and value lie.
    private var fieldBytes: [UInt8] = []
    private var fieldSpans: [(name: Range<Int>, value: Range<Int>)] = []

    init(_ labeling: JournalLabeling) {
        self.labeling = labeling
        if let fields = labeling.fieldsRead {
            wanted = fields.map { Array($0.utf8) }
            wantedLabels = fields.map { JournalLabeling.labelPrefix + $0.lowercased() }
        } else {
            wanted = nil
            wantedLabels = []
        }
        values = Array(repeating: [], count: wantedLabels.count)
        present = Array(repeating: false, count: wantedLabels.count)
    }

    /// Maps the current entry, or says why it is skipped.
    mutating func map(_ journal: SystemJournal) -> Result<LogEntry, JournalSkipReason> {
        var message: [UInt8]? = nil
        var all: [Label] = []
        let json = labeling.formatAsJSON
        for i in present.indices { present[i] = false }
        fieldBytes.removeAll(keepingCapacity: true)
        fieldSpans.removeAll(keepingCapacity: true)
        do throws(JournalError) {
            try journal.forEachField { field in
                guard let eq = field.firstIndex(of: 61) else { return }
                let name = UnsafeRawBufferPointer(rebasing: field[..<eq])
                let value = UnsafeRawBufferPointer(rebasing: field[(eq + 1)...])
                if !json && name.elementsEqual("MESSAGE".utf8) { message = Array(value) }
                if json { keepForJSON(name, value) }
                if let wanted {
                    for (i, w) in wanted.enumerated() where name.elementsEqual(w) {
                        values[i].removeAll(keepingCapacity: true)
                        values[i].append(contentsOf: value)
                        present[i] = true
                    }
                } else {
                    addLabels(name, value, to: &all)
                }
            }
        } catch {
            return .failure(.unreadable)
        }
        let line: [UInt8]
        if json {
            line = jsonLine()
        } else {
            guard let message, !message.isEmpty else { return .failure(.noMessage) }
            line = message.withUnsafeBytes { UTF8Bytes.isValid($0) } ? message : message.withUnsafeBytes { UTF8Bytes.repaired($0) }
        }
        let labels: LabelSet
        switch wanted == nil ? relabel(all) : cachedLabels() {
        case .success(let set): labels = set
        case .failure(let reason): return .failure(reason)
        }
        let micros = (try? journal.realtimeMicroseconds()).map { Int64(clamping: $0) } ?? WallClock.nowNanoseconds() / 1000
        return .success(LogEntry(timestamp: micros &* 1000, line: line, labels: labels))
    }

    /// The labels for the wanted fields' values, from the cache or relabelled now.
    private mutating func cachedLabels() -> Result<LabelSet, JournalSkipReason> {
        key.removeAll(keepingCapacity: true)
        for i in values.indices {
            let n = present[i] ? UInt32(values[i].count) : UInt32.max
            withUnsafeBytes(of: n.littleEndian) { key.append(contentsOf: $0) }
            if present[i] { key.append(contentsOf: values[i]) }
        }
        if let hit = cache[key] { return hit }
        var input: [Label] = []
        for i in values.indices where present[i] {
            values[i].withUnsafeBytes { addLabel(wantedLabels[i], $0, to: &input) }
        }
        let result = relabel(input)
        if cache.count >= JournalEntryMapper.cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[key] = result
        return result
    }

    /// Static labels plus `fields`, relabelled, without `__` labels.
    private func relabel(_ fields: [Label]) -> Result<LabelSet, JournalSkipReason> {
        let input = LabelSet(labeling.staticLabels.labels + fields)
        guard let out = labeling.relabel(input) else { return .failure(.relabelDrop) }
        let visible = out.withoutReserved
        return visible.isEmpty ? .failure(.emptyLabels) : .success(visible.compacted)
    }

    private mutating func addLabels(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, to out: inout [Label]) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in name { hash = (hash ^ UInt64(c)) &* 0x100_0000_01b3 }
        let label: String
        if let known = labelNames[hash]?.first(where: { k in k.field.withUnsafeBytes { compare($0, name) == 0 } }) {
            label = known.label
        } else {
            label = JournalLabeling.labelName(field: name)
            labelNames[hash, default: []].append((Array(name), label))
        }
        addLabel(label, value, to: &out)
    }

    private func addLabel(_ label: String, _ value: UnsafeRawBufferPointer, to out: inout [Label]) {
        out.append(Label(label, String(decoding: value, as: UTF8.self)))
        if label == "__journal_priority" {
            out.append(Label(JournalLabeling.priorityKeywordLabel, JournalLabeling.priorityKeyword(value)))
        }
    }

    private mutating func keepForJSON(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
        let start = fieldBytes.count
        fieldBytes.append(contentsOf: name)
        let mid = fieldBytes.count
        fieldBytes.append(contentsOf: value)
        fieldSpans.append((start..<mid, mid..<fieldBytes.count))
    }

    /// Every field as one JSON object: names sorted bytewise, a repeated field's last value, values as strings.
    private func jsonLine() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(fieldBytes.count + fieldSpans.count * 8 + 2)
        fieldBytes.withUnsafeBytes { b in
            func name(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: b[fieldSpans[i].name]) }
            let order = fieldSpans.indices.sorted { x, y in
                let c = compare(name(x), name(y))
                return c != 0 ? c < 0 : x < y
            }
            out.append(123)
            var first = true
            for (k, i) in order.enumerated() {
                if k + 1 < order.count && compare(name(i), name(order[k + 1])) == 0 { continue }
                if !first { out.append(44) }
                first = false
                JSONString.append(name(i), to: &out, style: .goHTMLSafe)
                out.append(58)
                JSONString.append(UnsafeRawBufferPointer(rebasing: b[fieldSpans[i].value]), to: &out, style: .goHTMLSafe)
            }
            out.append(125)
        }
        return out
    }

    private func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
