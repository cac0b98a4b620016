import LogCore
import Relabel
import Runtime
import Synchronization

/// `discovery.relabel`: applies `rule` blocks to targets and exports the survivors as `output`, in input order,
/// and the rules as `rules`. Recomputed whenever its arguments change.
public final class DiscoveryRelabel: TypedComponent {
    public struct Arguments: ComponentArguments {
        var targets: TargetList
        var rules: [RelabelRule]
        public init(_ d: inout BodyDecoder) {
            targets = d.required("targets")
            rules = decodeRelabelRules(&d)
        }
    }

    private let options: ComponentOptions
    private let current: Mutex<[String: Value]>

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        current = Mutex(DiscoveryRelabel.exports(arguments, id: options.id))
    }

    static func relabel(_ targets: TargetList, _ rules: [RelabelRule]) -> TargetList {
        TargetList(targets.targets.compactMap { Relabeler.apply(rules, to: $0, utf8Names: true) })
    }

    static func exports(_ a: Arguments, id: String) -> [String: Value] {
        ["output": relabel(a.targets, a.rules).value, "rules": .capsule(RulesCapsule(ownerID: id, rules: a.rules))]
    }

    public var exports: [String: Value] { current.withLock { $0 } }

    public func run() async {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    public func update(arguments: Arguments) async throws {
        let e = DiscoveryRelabel.exports(arguments, id: options.id)
        current.withLock { $0 = e }
        options.onStateChange(e)
    }
}
