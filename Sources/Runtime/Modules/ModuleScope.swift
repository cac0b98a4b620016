import Synchronization
import Evaluation
import Syntax

/// The custom components visible at one place of a configuration, as Alloy scopes them: the `declare` blocks
/// written there and in every enclosing body, and the namespaces of the `import.*` blocks written there (an
/// imported module sees only its own declares and imports). Also the identifiers a module's body may read besides
/// its own components (`module_path` in an imported module).
public final class ModuleScope: Sendable {
    let parent: ModuleScope?
    /// Identifiers in scope for the bodies declared here (`module_path`).
    public let variables: [String: Value]
    private let table = Mutex<(declares: [String: ModuleDefinition], imports: [String: ModuleScope])>(([:], [:]))

    init(parent: ModuleScope?, variables: [String: Value]) {
        self.parent = parent
        self.variables = variables
    }

    func declare(_ d: ModuleDefinition) { table.withLock { $0.declares[d.name] = d } }
    func addImport(_ namespace: String, _ scope: ModuleScope) { table.withLock { $0.imports[namespace] = scope } }

    /// A declare written in this very body (not an enclosing one).
    func localDeclare(_ name: String) -> ModuleDefinition? { table.withLock { $0.declares[name] } }
    func localImport(_ namespace: String) -> ModuleScope? { table.withLock { $0.imports[namespace] } }

    /// The definition a block name instantiates: `name` (a declare here or in an enclosing body) or `ns.name`
    /// (a declare of the module imported as `ns`).
    func definition(for blockName: String) -> ModuleDefinition? {
        let parts = blockName.split(separator: ".", maxSplits: 1).map(String.init)
        var scope: ModuleScope? = self
        while let s = scope {
            if parts.count == 1, let d = s.localDeclare(parts[0]) { return d }
            if parts.count == 2, let i = s.localImport(parts[0]) { return i.localDeclare(parts[1]) }
            scope = s.parent
        }
        return nil
    }

    /// Every custom component name usable here, for "did you mean" hints.
    var allNames: [String] {
        var names: [String] = []
        var scope: ModuleScope? = self
        while let s = scope {
            let (declares, imports) = s.table.withLock { ($0.declares, $0.imports) }
            names += declares.keys
            for (ns, i) in imports { names += i.table.withLock { $0.declares.keys.map { ns + "." + $0 } } }
            scope = s.parent
        }
        return names.sorted()
    }
}

/// One `declare` block: a custom component's name, body, and the scope it was written in. Its body is loaded into
/// a graph once, the first time it is instantiated, and shared by every instance.
public final class ModuleDefinition: Sendable {
    public let name: String
    let block: Block
    let source: SourceFile
    /// Where the declare is written: what its body can instantiate and read.
    let scope: ModuleScope
    private let loaded = Mutex<Result<ModuleTemplate, Diagnostics>?>(nil)

    init(name: String, block: Block, source: SourceFile, scope: ModuleScope) {
        self.name = name
        self.block = block
        self.source = source
        self.scope = scope
    }

    /// The body loaded as a graph (or its diagnostics), loaded on first use with `load`.
    func template(_ load: () -> Result<ModuleTemplate, Diagnostics>) -> Result<ModuleTemplate, Diagnostics> {
        if let done = loaded.withLock({ $0 }) { return done }
        let result = load()
        loaded.withLock { $0 = result }
        return result
    }
}

/// The loaded body of a custom component or of a `foreach` template: the graph each instance runs in a controller
/// of its own, the arguments it declares, and a fingerprint of its text (a reload rebuilds instances whose body
/// changed even when the instantiating block did not).
public final class ModuleTemplate: Sendable {
    public enum Kind: Sendable { case declare, foreach }
    public let kind: Kind
    public let graph: ConfigGraph
    /// The `argument` blocks, with whether each is optional.
    public let arguments: [(name: String, optional: Bool)]
    /// The identifiers (besides the body's own components) that instances get from outside: `module_path`.
    public let variables: [String: Value]
    public let fingerprint: UInt64

    init(kind: Kind, graph: ConfigGraph, variables: [String: Value]) {
        self.kind = kind
        self.graph = graph
        self.variables = variables
        var arguments: [(String, Bool)] = []
        for n in graph.nodes where n.name == "argument" {
            var optional = false
            for case .attribute(let a) in n.block.body where a.name == "optional" {
                if case .bool(let b)? = try? Evaluator(source: n.source).evaluate(a.value) { optional = b }
            }
            arguments.append((n.label, optional))
        }
        self.arguments = arguments.sorted { $0.0 < $1.0 }
        self.fingerprint = graph.fingerprint
    }
}
