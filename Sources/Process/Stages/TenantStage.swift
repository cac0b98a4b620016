import LogCore

/// `stage.tenant`: sets the hidden `__tenant_id__` label from a label, an extracted value or a constant.
final class TenantStage: EntryStage {
    enum From { case label(String), source(String), value(String) }
    let from: From
    init(_ a: inout some StageArguments) {
        let l = a.string("label"), s = a.string("source"), v = a.string("value")
        let set = [l, s, v].compactMap { $0 }.filter { !$0.isEmpty }
        if set.count != 1 { a.error("exactly one of label, source or value must be set", attribute: nil) }
        if let l, !l.isEmpty { from = .label(l) } else if let s, !s.isEmpty { from = .source(s) } else { from = .value(v ?? "") }
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        let tenant: String?
        switch from {
        case .label(let l): tenant = e.entry.labels[l]
        case .source(let s): tenant = e.extracted[s]?.stringValue
        case .value(let v): tenant = v
        }
        if let tenant, !tenant.isEmpty { e.entry.labels["__tenant_id__"] = tenant }
        return nil
    }
}
