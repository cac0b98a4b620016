import LogCore
import RE2

/// `stage.replace`: for every match of `expression` in the line (or extracted `source`), replaces each capture
/// group's text with the `replace` template's output (`.Value` is the group's text); named groups also store
/// their replaced text in the extracted map.
final class ReplaceStage: EntryStage {
    let regex: RE2?
    let template: GoTemplate?
    let source: String?

    init(_ a: inout some StageArguments) {
        regex = compile(a.requiredString("expression"), &a, attribute: "expression")
        let text = a.string("replace") ?? ""
        do { template = try GoTemplate(text) } catch {
            a.error("invalid template: \(error)", attribute: "replace")
            template = nil
        }
        let s = a.string("source") ?? ""
        source = s.isEmpty ? nil : s
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        guard let regex, let template, regex.groupCount > 0 else { return nil }
        var input: [UInt8]
        if let source {
            guard let v = e.extracted[source]?.stringValue else { return nil }
            input = Array(v.utf8)
        } else {
            input = e.entry.line
        }
        let matches = input.withUnsafeBytes { regex.allMatches($0) }
        guard !matches.isEmpty else { return nil }
        var out: [UInt8] = []
        var last = 0
        var named: [String: String] = [:]
        let base = templateData(e, value: nil)
        for m in matches {
            for g in 1..<m.count {
                guard let r = m[g], r.lowerBound >= last else { continue }
                let groupText = String(decoding: input[r], as: UTF8.self)
                var data = base
                data["Value"] = .string(groupText)
                guard let replaced = try? template.execute(.map(data)) else { return nil }
                out += input[last..<r.lowerBound]
                out += Array(replaced.utf8)
                last = r.upperBound
                if let name = regex.groupNames[g], named[name] == nil { named[name] = replaced }
            }
        }
        out += input[last...]
        for (k, v) in named { e.extracted[k] = .string(v) }
        if let source {
            e.extracted[source] = .string(String(decoding: out, as: UTF8.self))
        } else {
            e.entry.line = out
        }
        return nil
    }
}
