import Evaluation
import Syntax

/// A component block of the configuration, with what it references.
public struct ComponentNode: Sendable {
    /// `loki.source.file.pods`.
    public let id: String
    public let name: String
    public let label: String
    public let block: Block
    public let source: SourceFile
    public internal(set) var registration: ComponentRegistration
    /// Indices (in ``ConfigGraph/nodes``) of the components this one references.
    public internal(set) var dependencies: [Int] = []
    /// The body a custom component instance or a `foreach` runs.
    public internal(set) var module: ModuleTemplate? = nil
    /// What this node reads from outside its body (a `foreach` template reads the enclosing body's components and
    /// its `var`; an imported module's body reads `module_path`): dotted identifiers.
    public internal(set) var externalReferences: [String] = []

    /// A hash of the block's text and of the body it instantiates: equal fingerprints are written alike.
    var fingerprint: UInt64 {
        var h = FNV1a()
        h.add(source.bytes[block.nameOffset..<min(block.rcurly + 1, source.bytes.count)])
        if let module { h.add(module.fingerprint) }
        return h.value
    }
}

/// 64-bit FNV-1a, for telling whether configuration text changed.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf29ce484222325
    mutating func add<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x100000001b3 }
    }
    mutating func add(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { add($0) } }
}

/// The `logging` block: level and format of Tributary's own log, and where else its lines go (`write_to`, evaluated
/// once the components it names exist: ``Controller/loggingWriteTo()``).
public struct LoggingConfig: Sendable {
    public var level: String = "info"
    public var format: String = "logfmt"
    /// The `write_to` attribute, its file, and the type it decodes to.
    public var writeTo: Attribute? = nil
    public var source: SourceFile? = nil
    public var writeToType: (any AlloyDecodable.Type)? = nil
}

/// A loaded configuration: component nodes in dependency order, and the top-level configuration blocks.
public struct ConfigGraph: Sendable {
    public private(set) var nodes: [ComponentNode]
    public var logging = LoggingConfig()
    /// `livedebugging { enabled = true }`: whether the web API may stream what components receive and emit.
    public var liveDebugging = false
    /// Warnings found while loading (deprecated functions, ignored blocks).
    public var warnings = Diagnostics()

    /// Nodes that (directly) reference node `i`.
    public func dependents(of i: Int) -> [Int] {
        nodes.indices.filter { nodes[$0].dependencies.contains(i) }
    }

    /// The files and URLs the configuration imports (`import.file`, `import.http`), with what was read from them:
    /// the agent polls them and reloads when one changes.
    public var importedSources: [ImportedSource] = []

    /// Constants every body of the configuration reads: `module_path`, the directory of the configuration.
    public internal(set) var variables: [String: Value] = [:]

    /// Loads the files of a configuration: one file, or every `*.alloy` of a directory. `fetched` holds the
    /// modules of its `import.http` blocks (``modulesToFetch(_:registry:fetched:modulePath:)``); `modulePath` is
    /// the directory the configuration is in.
    public static func load(_ files: [File], registry: Registry, fetched: FetchedModules = FetchedModules(),
                            modulePath: String? = nil) throws(Diagnostics) -> ConfigGraph {
        var loader = GraphLoader(registry: registry, fetched: fetched)
        let variables = rootVariables(modulePath)
        var graph = try loader.load(files.map { ($0.source, $0.body) }, context: .root(variables: variables))
        graph.importedSources = loader.importedSources
        graph.variables = variables
        return graph
    }

    private static func rootVariables(_ modulePath: String?) -> [String: Value] {
        modulePath.map { ["module_path": .string($0)] } ?? [:]
    }

    init(nodes: [ComponentNode]) { self.nodes = nodes }

    /// The `import.http` blocks of a configuration (and of the modules it imports) whose modules are not in
    /// `fetched` yet: fetch them, add them to `fetched`, and ask again until none is left (a fetched module may
    /// import another).
    public static func modulesToFetch(_ files: [File], registry: Registry, fetched: FetchedModules, modulePath: String? = nil) -> [HTTPImportBlock] {
        var loader = GraphLoader(registry: registry, fetched: fetched)
        _ = try? loader.load(files.map { ($0.source, $0.body) }, context: .root(variables: rootVariables(modulePath)))
        return loader.toFetch
    }

    /// A hash of the text of every block, and of the bodies of the custom components they instantiate.
    var fingerprint: UInt64 {
        var h = FNV1a()
        for n in nodes { h.add(n.fingerprint) }
        return h.value
    }
}

/// Dependency order (dependencies first, otherwise file order); a cycle is an error naming its members.
func topologicalOrder(_ nodes: [ComponentNode]) throws(Diagnostics) -> [Int] {
    var state = [Int](repeating: 0, count: nodes.count)   // 0 new, 1 on stack, 2 done
    var order: [Int] = []
    var stack: [Int] = []
    var diags = Diagnostics()
    func visit(_ i: Int) -> Bool {
        if state[i] == 2 { return true }
        if state[i] == 1 {
            let start = stack.firstIndex(of: i)!
            let cycle = stack[start...].map { nodes[$0].id } + [nodes[i].id]
            for k in stack[start...] {
                let n = nodes[k]
                diags.append(Diagnostic(file: n.source, start: n.block.nameOffset, end: n.block.nameOffset + n.name.utf8.count - 1,
                                        message: "cycle detected: \(cycle.joined(separator: " -> "))"))
            }
            return false
        }
        state[i] = 1
        stack.append(i)
        for d in nodes[i].dependencies where !visit(d) { return false }
        stack.removeLast()
        state[i] = 2
        order.append(i)
        return true
    }
    for i in nodes.indices where state[i] == 0 {
        if !visit(i) { throw diags }
    }
    return order
}
