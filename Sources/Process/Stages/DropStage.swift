import Platform
import LogCore
import RE2

/// `stage.drop`: drops entries for which every configured condition holds (`source`, `expression`, `value`,
/// `older_than`, `longer_than`), counting them under `drop_counter_reason`.
final class DropStage: EntryStage {
    let sources: [String]
    var extractedKeysRead: Set<String>? { Set(sources) }
    let separator: String
    let expression: RE2?
    let value: String?
    let olderThan: Int64?
    let longerThan: Int?
    let reason: String

    init(_ a: inout some StageArguments) {
        let src = a.string("source") ?? ""
        sources = src.isEmpty ? [] : src.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        separator = a.string("separator") ?? ";"
        expression = compile(a.string("expression"), &a, attribute: "expression")
        let v = a.string("value")
        value = (v?.isEmpty ?? true) ? nil : v
        olderThan = a.duration("older_than").flatMap { $0 > 0 ? $0 : nil }
        longerThan = a.byteSize("longer_than").flatMap { $0 > 0 ? Int($0) : nil }
        reason = a.string("drop_counter_reason") ?? "drop_stage"
        if sources.isEmpty && expression == nil && value == nil && olderThan == nil && longerThan == nil {
            a.error("at least one of source, expression, value, older_than or longer_than must be set", attribute: nil)
        }
        if value != nil && expression != nil { a.error("value and expression cannot both be set", attribute: "value") }
        if value != nil && sources.isEmpty { a.error("value requires source", attribute: "value") }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        if let longerThan, e.entry.line.count <= longerThan { return nil }
        if let olderThan, e.entry.timestamp >= WallClock.nowNanoseconds() - olderThan { return nil }
        if !sources.isEmpty {
            var joined: String
            if sources.count == 1 {
                guard let text = e.extracted[sources[0]]?.stringValue else { return nil }
                joined = text
            } else {
                var parts: [String] = []
                for s in sources {
                    guard let text = e.extracted[s]?.stringValue else { return nil }
                    parts.append(text)
                }
                joined = parts.joined(separator: separator)
            }
            if let value, joined != value { return nil }
            if let expression, !expression.matches(joined) { return nil }
        } else if let expression {
            guard e.entry.line.withUnsafeBytes({ expression.matches($0) }) else { return nil }
        }
        return reason
    }
}
