import Evaluation
import LogCore
import Process
import Relabel
import Runtime
import Syntax

/// `tributary test`: feeds lines through a configuration's `loki.process` and `loki.relabel` components (those in
/// the bodies of custom components and foreach templates too, named by their full ids) as if a source had read them, without starting sources or shipping anything, and tells what each component emits and
/// drops (with the reason) and which receivers (`loki.write`, `loki.echo`) would get what.
///
/// Lines enter at the components that the configuration's sources which feed a processing component forward to
/// (or, without such sources, the processing components nothing forwards to). Stages run exactly as in the agent; entries a stage holds (a CRI partial line, a
/// multiline block) come out when a later line completes them, or at ``finish()``.
public final class DryRun {
    /// What happened to an entry at one component.
    public enum Step {
        case emitted(component: String, entry: LogEntry)
        case dropped(component: String, reason: String)
        case delivered(component: String)
    }

    private enum Node {
        case process(Pipeline, forward: [String])
        case relabel([RelabelRule], forward: [String])
        case sink
    }
    private var nodes: [String: Node] = [:]
    /// Where lines enter.
    public let entryPoints: [String]

    public init(graph: ConfigGraph) throws(Diagnostics) {
        var nodes: [String: Node] = [:]
        var order: [String] = []
        var sourceTargets: [[String]] = []
        var forwarded = Set<String>()
        var diags = Diagnostics()
        // Every receiver is a capsule naming its owner (by its full id, inside modules too), so `forward_to` says
        // where entries go.
        let visitor = StaticVisitor(
            exports: { id, node in
                var e = node.registration.exports
                if e["receiver"] != nil { e["receiver"] = ReceiverCapsule(ownerID: id, receiver: DiscardReceiver()).value }
                return e
            },
            visit: { id, node, scope in
                let ev = Evaluator(source: node.source, scope: scope, allowExperimental: true)
                let b = node.block
                var d = BodyDecoder(evaluator: ev, body: b.body, anchor: (b.nameOffset, b.lcurly))
                let args = node.registration.arguments(&d)
                d.finish()
                diags.append(contentsOf: d.diagnostics)
                let forward = ev.evaluateBody(b.body, secrets: []).dataFlowOwners
                order.append(id)
                switch args {
                case let a as LokiProcessComponent.Arguments:
                    nodes[id] = .process(a.pipeline, forward: forward)
                    forwarded.formUnion(forward)
                case let a as LokiRelabelComponent.Arguments:
                    nodes[id] = .relabel(a.rules, forward: forward)
                    forwarded.formUnion(forward)
                default:
                    if node.name.hasPrefix("loki.source.") { sourceTargets.append(forward) } else if node.registration.exports["receiver"] != nil {
                        nodes[id] = .sink
                    }
                }
            })
        diags.append(contentsOf: Controller.walk(graph, visitor: visitor))
        var seen = Set<String>()
        diags = Diagnostics(diags.items.filter { seen.insert($0.description).inserted })
        if diags.hasErrors { throw diags }
        self.nodes = nodes
        // The sources that feed processing components (a journal source writing straight to loki.write is not
        // where a line of a pod log goes).
        var fromSources: [String] = []
        for targets in sourceTargets where targets.contains(where: { if case .sink = nodes[$0] { return false }; return nodes[$0] != nil }) {
            for t in targets where !fromSources.contains(t) { fromSources.append(t) }
        }
        if !fromSources.isEmpty {
            entryPoints = fromSources
        } else {
            entryPoints = order.filter { id in
                guard let n = nodes[id], !forwarded.contains(id) else { return false }
                if case .sink = n { return false }
                return true
            }
        }
    }

    /// Feeds one entry to every entry point; returns what happened, in order.
    public func feed(_ entry: LogEntry) -> [Step] {
        var steps: [Step] = []
        for target in entryPoints { deliver([entry], to: target, &steps) }
        return steps
    }

    /// Lets every stage give up what it still holds (as at shutdown); returns what happened to it.
    public func finish() -> [Step] {
        var steps: [Step] = []
        for (id, node) in nodes.sorted(by: { $0.key < $1.key }) {
            guard case .process(let pipeline, let forward) = node else { continue }
            let ctx = context(id)
            let (out, _) = Pipeline.unwrap(pipeline.flush(nowNanoseconds: Int64.max, force: true, ctx))
            report(id, ctx, &steps)
            for e in out { steps.append(.emitted(component: id, entry: e)) }
            if !out.isEmpty { for f in forward { deliver(out, to: f, &steps) } }
        }
        return steps
    }

    private func context(_ id: String) -> PipelineContext {
        PipelineContext(componentID: id, logger: ComponentOptions(id: id, dataPath: "", onStateChange: { _ in }).logger,
                        metrics: ProcessMetrics(componentID: id))
    }

    private func report(_ id: String, _ ctx: PipelineContext, _ steps: inout [Step]) {
        for (reason, n) in ctx.drops.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<n { steps.append(.dropped(component: id, reason: reason)) }
        }
    }

    private func deliver(_ entries: [LogEntry], to id: String, _ steps: inout [Step]) {
        switch nodes[id] {
        case .process(let pipeline, let forward):
            let ctx = context(id)
            let (out, _) = pipeline.run(entries, ctx)
            report(id, ctx, &steps)
            for e in out { steps.append(.emitted(component: id, entry: e)) }
            if !out.isEmpty { for f in forward { deliver(out, to: f, &steps) } }
        case .relabel(let rules, let forward):
            var out: [LogEntry] = []
            for var e in entries {
                guard let labels = Relabeler.apply(rules, to: e.labels), !labels.isEmpty else {
                    steps.append(.dropped(component: id, reason: "relabel rules left no labels"))
                    continue
                }
                e.labels = labels
                out.append(e)
                steps.append(.emitted(component: id, entry: e))
            }
            if !out.isEmpty { for f in forward { deliver(out, to: f, &steps) } }
        case .sink:
            for _ in entries { steps.append(.delivered(component: id)) }
        case nil:
            break
        }
    }
}
