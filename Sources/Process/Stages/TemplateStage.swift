import LogCore

/// The template data of an entry: every extracted value that converts, `.Entry` the line, and `.Value`.
func templateData(_ e: ProcessEntry, value: String?) -> [String: TValue] {
    var data: [String: TValue] = [:]
    for k in e.extracted.keys {
        switch e.extracted[k] {
        case .number(let d)?: data[k] = .number(d)
        case .bool(let b)?: data[k] = .bool(b)
        case let v?: if let s = v.stringValue { data[k] = .string(s) }
        case nil: break
        }
    }
    data["Entry"] = .string(e.lineString)
    if let value { data["Value"] = .string(value) }
    return data
}

/// `stage.template`: runs a Go template (with Alloy's and Sprig's functions) over the extracted values and stores
/// the result in extracted `source`; an empty result deletes it, an error leaves the entry unchanged.
final class TemplateStage: EntryStage {
    let source: String
    let template: GoTemplate?

    init(_ a: inout some StageArguments) {
        source = a.requiredString("source")
        let text = a.requiredString("template")
        do { template = try GoTemplate(text) } catch {
            a.error("invalid template: \(error)", attribute: "template")
            template = nil
        }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        guard let template else { return nil }
        let current = e.extracted[source]?.stringValue
        guard let out = try? template.execute(.map(templateData(e, value: current))) else { return nil }
        e.extracted[source] = out.isEmpty ? nil : .string(out)
        return nil
    }
}
