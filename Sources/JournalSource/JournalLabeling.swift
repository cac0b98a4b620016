import LogCore

/// How `loki.source.journal` labels its entries and writes their lines.
///
/// Every journal field `F` is offered to the relabel step as `__journal_<lower-cased F>` (and `PRIORITY` also as
/// `__journal_priority_keyword`), beside the static labels; what remains after relabelling, minus labels starting
/// with `__`, labels the entry. Building dozens of labels per entry only to throw most of them away is what makes
/// journal readers slow, so the reader offers only the fields the rules can read (``labelsRead``), and remembers the
/// result per distinct combination of their values.
public struct JournalLabeling: Sendable {
    /// The static labels: the `labels` argument and `job`.
    public var staticLabels: LabelSet
    /// Label names the relabel step reads; nil when it may read any label (e.g. a `labelmap` rule).
    public var labelsRead: Set<String>?
    /// The relabel step: the relabelled set, or nil when a rule dropped the entry.
    public var relabel: @Sendable (LabelSet) -> LabelSet?
    /// The line is a JSON object of every field instead of `MESSAGE`.
    public var formatAsJSON: Bool

    public init(staticLabels: LabelSet, labelsRead: Set<String>? = [], formatAsJSON: Bool = false,
                relabel: @escaping @Sendable (LabelSet) -> LabelSet? = { $0 }) {
        self.staticLabels = staticLabels
        self.labelsRead = labelsRead
        self.formatAsJSON = formatAsJSON
        self.relabel = relabel
    }

    static let labelPrefix = "__journal_"
    static let priorityKeywordLabel = "__journal_priority_keyword"

    /// The journal fields (upper-case names) whose labels the relabel step reads, or nil for every field.
    var fieldsRead: [String]? {
        guard let labelsRead else { return nil }
        var fields = Set<String>()
        for name in labelsRead where name.hasPrefix(JournalLabeling.labelPrefix) {
            if name == JournalLabeling.priorityKeywordLabel {
                fields.insert("PRIORITY")
            } else {
                fields.insert(String(name.dropFirst(JournalLabeling.labelPrefix.count)).uppercased())
            }
        }
        return fields.sorted()
    }

    /// The label name of a journal field: `__journal_` and the name in lower case.
    static func labelName(field: UnsafeRawBufferPointer) -> String {
        var bytes = Array(labelPrefix.utf8)
        for c in field { bytes.append(c >= 65 && c <= 90 ? c + 32 : c) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// syslog's name of a `PRIORITY` value; other values are kept as they are.
    static func priorityKeyword(_ value: UnsafeRawBufferPointer) -> String {
        guard value.count == 1, value[0] >= 48, value[0] <= 55 else { return String(decoding: value, as: UTF8.self) }
        return ["emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"][Int(value[0] - 48)]
    }
}
