import LogCore
import Relabel
import Evaluation
import Runtime
import Synchronization

/// `discovery.relabel`: applies `rule` blocks to targets and exports the survivors as `output`, in input order,
/// and the rules as `rules`. Recomputed whenever its arguments change; a target that is still the same label set
/// as in the last round (discovery republishing after another pod changed) keeps its earlier result.
public final class DiscoveryRelabelComponent: TypedComponent {
    public struct Arguments: ComponentArguments {
        var targets: TargetList
        var rules: [RelabelRule]
        public init(_ d: inout BodyDecoder) {
            targets = d.required("targets")
            rules = decodeRelabelRules(&d)
        }
    }

    private struct State {
        var exports: [String: Value]
        var rules: [RelabelRule]
        var memo = LabelSetMemo<LabelSet?>()
    }

    private let options: ComponentOptions
    private let state: Mutex<State>

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        var s = State(exports: [:], rules: arguments.rules)
        DiscoveryRelabelComponent.apply(arguments, id: options.id, to: &s)
        state = Mutex(s)
    }

    private static func apply(_ a: Arguments, id: String, to s: inout State) {
        if s.rules != a.rules {
            s.rules = a.rules
            s.memo.removeAll()
        }
        let output = a.targets.targets.compactMap { t in
            s.memo.result(for: t) { Relabeler.apply(a.rules, to: $0, utf8Names: true)?.compacted }
        }
        s.memo.endRound()
        s.exports = ["output": TargetList(output).value, "rules": .capsule(RulesCapsule(ownerID: id, rules: a.rules))]
    }

    public var exports: [String: Value] { state.withLock { $0.exports } }

    public func run() async {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    public func update(arguments: Arguments) async throws {
        let e = state.withLock { s in
            DiscoveryRelabelComponent.apply(arguments, id: options.id, to: &s)
            return s.exports
        }
        options.onStateChange(e)
    }
}
