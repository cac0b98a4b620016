import LogCore

/// `stage.match`: entries matching a LogQL selector (labels and line filters) go through nested stages
/// (`action = "keep"`) or are dropped (`action = "drop"`); others pass unchanged. Unlike Alloy, which sends
/// non-matching entries on a separate path, the order of entries is preserved.
final class MatchStage: Stage {
    let selector: Selector?
    let drop: Bool
    let reason: String
    let pipeline: Pipeline

    init(_ a: inout some StageArguments) {
        let text = a.requiredString("selector")
        var sel: Selector? = nil
        do { sel = try Selector(text) } catch {
            a.error("invalid selector: \((error as? Selector.ParseError)?.message ?? "\(error)")", attribute: "selector")
        }
        selector = sel
        let action = a.string("action") ?? "keep"
        drop = action == "drop"
        if action != "keep" && action != "drop" { a.error("action must be keep or drop", attribute: "action") }
        reason = a.string("drop_counter_reason") ?? "match_stage"
        _ = a.string("pipeline_name")
        pipeline = StageFactory.pipeline(&a)
        if drop && !pipeline.stages.isEmpty { a.error("nested stages are not allowed with action = \"drop\"", attribute: nil) }
        if !drop && pipeline.stages.isEmpty { a.error("action = \"keep\" needs at least one nested stage", attribute: nil) }
    }

    func process(_ entries: inout [ProcessEntry], _ ctx: PipelineContext) {
        let input = entries
        var out: [ProcessEntry] = []
        out.reserveCapacity(input.count)
        defer { entries = out }
        guard let selector else {
            out = input
            return
        }
        for var e in input {
            guard selector.matches(e.entry) else {
                out.append(e)
                continue
            }
            if drop {
                ctx.drop(reason)
                continue
            }
            e.extracted.reseed(e.entry.labels)
            out += pipeline.process([e], ctx)
        }
    }

    func flush(nowNanoseconds: Int64, force: Bool, into out: inout [ProcessEntry], _ ctx: PipelineContext) {
        out += pipeline.flush(nowNanoseconds: nowNanoseconds, force: force, ctx)
    }
}
