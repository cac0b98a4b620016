import Logging
import Platform
import Synchronization
import Evaluation
import Syntax
#if canImport(Glibc)
import Glibc
#endif

/// Builds the components of a configuration in dependency order, runs them, re-evaluates the arguments of
/// dependents when a component publishes new exports, applies a new configuration in place (``reload(_:)``), and
/// stops them in reverse order.
public actor Controller {
    public private(set) var graph: ConfigGraph
    let storagePath: String
    let allowExperimental: Bool
    let logger: Logger
    private var exports: [[String: Value]?]
    private var components: [(any Component)?]
    private var tasks: [Task<Void, Never>?]
    /// When each component was built (Unix nanoseconds), and the components whose run returned on its own.
    private var startedAt: [String: Int64] = [:]
    private var exited: Set<String> = []
    /// Where each component's secret attributes are, relative to its block (from its last decode): what the web
    /// API shows as `(secret)` without decoding the arguments again.
    private var secretAttributes: [String: Set<Int>] = [:]
    private var updateTask: Task<Void, Never>?
    public private(set) var isReady = false
    /// The newest unprocessed exports of each component that published; a burst of publications is evaluated once.
    private let pending = PendingExports()
    /// What the components of this agent share (kept across reloads, and with the controllers of modules).
    public nonisolated let shared: SharedObjects
    /// For the controller of a module: its id, prefixed to its components' ids (`custom.a`, `foreach.f/foreach_1_1`),
    /// the identifiers it reads from outside, and the instance's arguments and exports.
    public nonisolated let moduleID: String
    private var external: [String: Value]
    let module: ModuleIO?
    private let wakeUps: AsyncStream<Void>
    private let wakeUpsContinuation: AsyncStream<Void>.Continuation

    public init(graph: ConfigGraph, storagePath: String, allowExperimental: Bool = false, logger: Logger) {
        self.init(graph: graph, storagePath: storagePath, allowExperimental: allowExperimental, logger: logger,
                  moduleID: "", external: graph.variables, shared: SharedObjects(), module: nil)
    }

    init(graph: ConfigGraph, storagePath: String, allowExperimental: Bool, logger: Logger,
         moduleID: String, external: [String: Value], shared: SharedObjects, module: ModuleIO?) {
        self.moduleID = moduleID
        self.external = external
        self.shared = shared
        self.module = module
        self.graph = graph
        self.storagePath = storagePath
        self.allowExperimental = allowExperimental
        self.logger = logger
        self.exports = Array(repeating: nil, count: graph.nodes.count)
        self.components = Array(repeating: nil, count: graph.nodes.count)
        self.tasks = Array(repeating: nil, count: graph.nodes.count)
        (wakeUps, wakeUpsContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: evaluation

    /// Nested objects of every known export: `loki.echo.x.receiver` is `scope["loki"]["echo"]["x"]["receiver"]`.
    public static func scope(_ nodes: [ComponentNode], _ exports: [[String: Value]?], external: [String: Value] = [:]) -> [String: Value] {
        var root = external
        func insert(_ path: ArraySlice<String>, _ value: Value, into obj: inout [String: Value]) {
            let key = path.first!
            if path.count == 1 {
                obj[key] = value
                return
            }
            var child: [String: Value] = [:]
            if case .object(let o)? = obj[key] { child = o }
            insert(path.dropFirst(), value, into: &child)
            obj[key] = .object(child)
        }
        for (i, n) in nodes.enumerated() {
            guard let e = exports[i] else { continue }
            insert(ArraySlice(n.id.split(separator: ".").map(String.init)), .object(e), into: &root)
        }
        return root
    }

    /// What this controller's components evaluate against: the exports of its components over what it reads from
    /// outside.
    private func currentScope() -> [String: Value] { Controller.scope(graph.nodes, exports, external: external) }

    /// The `logging` block's `write_to`, evaluated against the components' exports now; nil without one.
    public func loggingWriteTo() -> (value: (any Sendable)?, diagnostics: Diagnostics) {
        Controller.decodeWriteTo(graph.logging, scope: currentScope())
    }

    static func decodeWriteTo(_ logging: LoggingConfig, scope: [String: Value]) -> (value: (any Sendable)?, diagnostics: Diagnostics) {
        guard let attribute = logging.writeTo, let source = logging.source, let type = logging.writeToType else { return (nil, Diagnostics()) }
        var d = BodyDecoder(evaluator: Evaluator(source: source, scope: scope), body: [.attribute(attribute)],
                            anchor: (attribute.nameOffset, attribute.nameOffset + attribute.name.utf8.count - 1))
        func decode<T: AlloyDecodable>(_ type: T.Type) -> (any Sendable)? { d.optional("write_to", as: type) }
        let value = decode(type)
        return (value, d.diagnostics)
    }

    static func decodeArguments(_ node: ComponentNode, scope: [String: Value], allowExperimental: Bool) -> (any Sendable, Diagnostics) {
        let d = decode(node, scope: scope, allowExperimental: allowExperimental)
        return (d.arguments, d.diagnostics)
    }

    /// A decoded body: the arguments, the diagnostics, and where the attributes read as secrets are (relative to
    /// the block's start, so that they stay right when a reload moves an unchanged block).
    struct Decoded {
        var arguments: any Sendable
        var diagnostics: Diagnostics
        var secrets: Set<Int>
    }

    static func decode(_ node: ComponentNode, scope: [String: Value], allowExperimental: Bool) -> Decoded {
        let ev = Evaluator(source: node.source, scope: scope, allowExperimental: allowExperimental)
        let b = node.block
        var d = BodyDecoder(evaluator: ev, body: b.body, anchor: (b.nameOffset, b.lcurly))
        let args = node.registration.decode(&d)
        d.finish()
        return Decoded(arguments: args, diagnostics: d.diagnostics, secrets: Set(d.secretAttributes.map { $0 - b.nameOffset }))
    }

    /// Decodes `node`'s arguments and remembers where its secrets are.
    private func decodeRecordingSecrets(_ node: ComponentNode, scope: [String: Value]) -> (any Sendable, Diagnostics) {
        let d = Controller.decode(node, scope: scope, allowExperimental: allowExperimental)
        secretAttributes[node.id] = d.secrets
        return (d.arguments, d.diagnostics)
    }

    // MARK: lifecycle

    /// Builds and starts every component in dependency order; throws the diagnostics of the first that fails.
    public func start() async throws {
        for i in graph.nodes.indices {
            let (args, diags) = decodeRecordingSecrets(graph.nodes[i], scope: currentScope())
            if diags.hasErrors { throw diags }
            try await build(i, args)
        }
        updateTask = Task { await self.processUpdates() }
        isReady = true
    }

    /// Builds node `i` of the current graph with `args` and starts it.
    private func build(_ i: Int, _ args: any Sendable) async throws(Diagnostics) {
        let node = graph.nodes[i]
        let continuation = wakeUpsContinuation
        let pending = self.pending
        let dataPath = storagePath + "/" + node.id
        // The module blocks keep nothing on disk.
        if !(module != nil && ["argument", "export"].contains(node.name)), let failure = Controller.makeDirectories(dataPath) {
            throw Diagnostics([Diagnostic(file: node.source, start: node.block.nameOffset, end: node.block.lcurly,
                                          message: "cannot create data directory \(dataPath): \(failure)")])
        }
        let id = node.id
        var options = ComponentOptions(id: moduleID.isEmpty ? id : moduleID + "/" + id, dataPath: dataPath, shared: shared) { newExports in
            pending.store(newExports, for: id)
            continuation.yield()
        }
        options.localID = id
        options.module = module
        options.allowExperimental = allowExperimental
        let component: any Component
        do {
            component = try await node.registration.build(options, args)
        } catch {
            throw Diagnostics([Diagnostic(file: node.source, start: node.block.nameOffset, end: node.block.lcurly,
                                          message: "Failed to build component: \(error)")])
        }
        // A reload may have replaced the graph while this component was being built.
        guard graph.nodes.indices.contains(i), graph.nodes[i].id == id else {
            logger.warning("configuration changed while a component was being built; not starting it", metadata: ["component": "\(id)"])
            return
        }
        components[i] = component
        exports[i] = component.exports
        startedAt[id] = WallClock.nowNanoseconds()
        exited.remove(id)
        tasks[i] = Task { [weak self] in
            await component.run()
            if !Task.isCancelled { await self?.markExited(id, component) }
        }
        logger.debug("started component", metadata: ["component": "\(qualified(id))"])
    }

    /// `mkdir -p`: nil when the directory exists afterwards, else why not.
    static func makeDirectories(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o750) != 0 && errno != EEXIST { return String(cString: strerror(errno)) }
        }
        return nil
    }

    private func markExited(_ id: String, _ component: any Component) {
        // Only if it is still the running instance (not one a reload replaced).
        if let i = graph.nodes.firstIndex(where: { $0.id == id }), components[i] === component { exited.insert(id) }
    }

    /// What a reload did.
    public struct ReloadResult: Sendable {
        public var added: [String] = []
        public var updated: [String] = []
        public var removed: [String] = []
        public var unchanged = 0
        /// Errors (the new configuration was refused, or a component could not be built or updated) and warnings.
        public var diagnostics = Diagnostics()
    }

    /// Applies a new configuration to the running pipeline, as Alloy's reload does. A configuration with errors
    /// (types, references, cycles) is refused and nothing changes. Otherwise, in the new dependency order:
    /// components whose block is written exactly as before keep running untouched; changed ones get their new
    /// arguments through `update`; new ones are built and started. Components no longer in the configuration are
    /// then stopped (sources first), each with `drainTimeout` to drain, once nothing refers to them any more.
    public func reload(_ newGraph: ConfigGraph, drainTimeout: Duration = .seconds(15)) async -> ReloadResult {
        var result = ReloadResult()
        result.diagnostics = newGraph.warnings
        if moduleID.isEmpty {
            result.diagnostics.append(contentsOf: Controller.validate(newGraph, allowExperimental: allowExperimental))
        } else {
            // A module's body is checked with what its instance gives it.
            result.diagnostics.append(contentsOf: Controller.validate(newGraph, allowExperimental: allowExperimental, external: external,
                                                                      arguments: module?.givenArguments ?? [:]).diagnostics)
        }
        if !isReady {
            result.diagnostics.append(Diagnostic(file: nil, start: -1, message: "the pipeline is starting or stopping; reload refused"))
        }
        if result.diagnostics.hasErrors { return result }

        let old = graph
        if moduleID.isEmpty { external = newGraph.variables }
        var oldIndex: [String: Int] = [:]
        for (i, n) in old.nodes.enumerated() { oldIndex[n.id] = i }
        let kept = Set(newGraph.nodes.map(\.id))
        let removed = old.nodes.indices.filter { !kept.contains(old.nodes[$0].id) }
        let removedTasks = removed.reversed().map { (old.nodes[$0].id, tasks[$0]) }
        graph = newGraph
        exports = newGraph.nodes.map { n in oldIndex[n.id].flatMap { exports[$0] } }
        components = newGraph.nodes.map { n in oldIndex[n.id].flatMap { components[$0] } }
        tasks = newGraph.nodes.map { n in oldIndex[n.id].flatMap { tasks[$0] } }

        for j in newGraph.nodes.indices {
            let node = newGraph.nodes[j]
            if let o = oldIndex[node.id], Controller.writtenAlike(old.nodes[o], node) {
                result.unchanged += 1
                continue
            }
            let (args, diags) = decodeRecordingSecrets(node, scope: currentScope())
            result.diagnostics.append(contentsOf: diags)
            if diags.hasErrors { continue }
            if let component = components[j] {
                do {
                    try await component.update(args)
                    exports[j] = component.exports
                    result.updated.append(node.id)
                } catch {
                    result.diagnostics.append(Diagnostic(file: node.source, start: node.block.nameOffset, end: node.block.lcurly,
                                                         message: "Failed to update component: \(error)"))
                }
            } else {
                do throws(Diagnostics) {
                    try await build(j, args)
                    result.added.append(node.id)
                } catch {
                    result.diagnostics.append(contentsOf: error)
                }
            }
        }
        // Dependents see the exports of new and updated components.
        for id in result.added + result.updated {
            if let j = graph.nodes.firstIndex(where: { $0.id == id }), let e = exports[j] { pending.store(e, for: id) }
        }
        wakeUpsContinuation.yield()

        for (id, task) in removedTasks {
            guard let task else { continue }
            if !(await Controller.cancelAndWait(task, drainTimeout)) {
                logger.warning("component did not stop within the drain timeout", metadata: ["component": "\(id)"])
            }
            result.removed.append(id)
        }
        return result
    }

    /// Whether two nodes are written exactly alike (same id, same text of the block and of the custom component
    /// body it instantiates).
    static func writtenAlike(_ a: ComponentNode, _ b: ComponentNode) -> Bool {
        a.id == b.id && a.fingerprint == b.fingerprint
    }

    /// Cancels a component's run task and waits up to `timeout` for it to return; false when it did not.
    static func cancelAndWait(_ task: Task<Void, Never>, _ timeout: Duration) async -> Bool {
        task.cancel()
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await task.value; return true }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Applies published exports and re-evaluates the dependents of every component that published, each once per
    /// wake-up and in dependency order (node indices are topologically sorted). Exports published while this runs
    /// replace older unprocessed ones, so a component publishing faster than its dependents evaluate never queues
    /// copies of its exports: dependents see the newest state, as in Alloy's controller.
    private func processUpdates() async {
        for await _ in wakeUps {
            let published = pending.takeAll()
            if published.isEmpty { continue }
            var dependents = Set<Int>()
            for (id, newExports) in published {
                // Exports of a component that a reload removed are dropped.
                guard let i = graph.nodes.firstIndex(where: { $0.id == id }) else { continue }
                exports[i] = newExports
                dependents.formUnion(graph.dependents(of: i))
            }
            await reevaluate(dependents.sorted())
        }
    }

    /// Decodes the arguments of the nodes at `indices` (in dependency order) against the current scope and hands
    /// them to their components.
    private func reevaluate(_ indices: [Int]) async {
        let scope = currentScope()
        for j in indices {
            guard let component = components[j] else { continue }
            let node = graph.nodes[j]
            let (args, diags) = decodeRecordingSecrets(node, scope: scope)
            if diags.hasErrors {
                logger.error("failed to evaluate arguments", metadata: ["component": "\(qualified(node.id))", "err": "\(diags)"])
                continue
            }
            do {
                try await component.update(args)
            } catch {
                logger.error("failed to update component", metadata: ["component": "\(qualified(node.id))", "err": "\(error)"])
            }
        }
    }

    /// A component's id as logs and metrics show it: prefixed with the module's.
    private func qualified(_ id: String) -> String { moduleID.isEmpty ? id : moduleID + "/" + id }

    /// New values for what this module's body reads from outside (a foreach's item and the enclosing body's
    /// exports): the components that read a value that changed are re-evaluated.
    func setExternal(_ new: [String: Value]) async {
        let old = external
        external = new
        guard isReady else { return }
        func lookup(_ scope: [String: Value], _ path: String) -> Value? {
            var current: Value? = .object(scope)
            for key in path.split(separator: ".") {
                guard case .object(let o)? = current else { return nil }
                current = o[String(key)]
            }
            return current
        }
        let affected = graph.nodes.indices.filter { j in
            graph.nodes[j].externalReferences.contains { path in
                switch (lookup(old, path), lookup(new, path)) {
                case (nil, nil): return false
                case (let a?, let b?): return !a.equals(b)
                default: return true
                }
            }
        }
        await reevaluate(affected)
    }

    /// Stops components in reverse dependency order (sources first, writers last), giving each up to
    /// `drainTimeout` to flush what it holds.
    public func stop(drainTimeout: Duration = .seconds(15)) async {
        wakeUpsContinuation.finish()
        updateTask?.cancel()
        isReady = false
        for i in graph.nodes.indices.reversed() {
            guard let task = tasks[i] else { continue }
            if !(await Controller.cancelAndWait(task, drainTimeout)) {
                logger.warning("component did not stop within the drain timeout", metadata: ["component": "\(graph.nodes[i].id)"])
            }
            tasks[i] = nil
        }
    }

    // MARK: inspection

    /// Every component, in configuration (dependency) order, as the agent's API lists them; `detailed` adds their
    /// arguments and exports.
    public func componentInfos(detailed: Bool = false) async -> [ComponentInfo] {
        var modules: [[String]] = []
        for c in components { modules.append(await Controller.createdModules(c)) }
        let scope = currentScope()
        return graph.nodes.indices.map { i in
            var info = info(i, scope: scope, detailed: detailed)
            info.createdModuleIDs = modules[i]
            return info
        }
    }

    /// The ids of the modules a component runs (Alloy's `createdModuleIDs`).
    private static func createdModules(_ component: (any Component)?) async -> [String] {
        guard let host = component as? any ModuleHosting else { return [] }
        return await host.moduleControllers().map(\.moduleID)
    }

    /// One component with its arguments and exports, or nil when there is none with this id.
    /// One component in detail, by its full id (`lib.tagger.first/loki.process.tag` is asked of the module's
    /// controller).
    public func componentInfo(_ id: String) async -> ComponentInfo? {
        if let slash = id.lastIndex(of: "/") {
            return await moduleController(String(id[..<slash]))?.componentInfo(String(id[id.index(after: slash)...]))
        }
        guard let i = graph.nodes.firstIndex(where: { $0.id == id }) else { return nil }
        let modules = await Controller.createdModules(components[i])
        var info = info(i, scope: currentScope(), detailed: true)
        info.createdModuleIDs = modules
        return info
    }

    /// The controllers of the modules run by this controller's components (not theirs).
    func moduleControllers() async -> [Controller] {
        var out: [Controller] = []
        for case let host as any ModuleHosting in components { out += await host.moduleControllers() }
        return out
    }

    /// The controller of a module by its id (`lib.tagger.first`, `foreach.apps/foreach_api_1`), at any depth.
    public func moduleController(_ id: String) async -> Controller? {
        for c in await moduleControllers() {
            if c.moduleID == id { return c }
            if id.hasPrefix(c.moduleID + "/"), let found = await c.moduleController(id) { return found }
        }
        return nil
    }
    private func info(_ i: Int, scope: [String: Value], detailed: Bool) -> ComponentInfo {
        let node = graph.nodes[i]
        let arguments = displayedArguments(node, scope: scope)
        var health: ComponentHealth
        if components[i] == nil {
            health = ComponentHealth(state: .unknown, message: "component not built")
        } else if exited.contains(node.id) {
            health = ComponentHealth(state: .exited, message: "component shut down")
        } else if let reporting = components[i] as? any HealthReporting {
            health = reporting.health
        } else {
            health = ComponentHealth(state: .healthy, message: "started component")
        }
        if health.updated == 0 { health.updated = startedAt[node.id] ?? 0 }
        let nodeIDs = Set(graph.nodes.map(\.id))
        return ComponentInfo(
            id: node.id, moduleID: moduleID, name: node.name, label: node.label,
            referencesTo: node.dependencies.map { graph.nodes[$0].id },
            referencedBy: graph.dependents(of: i).map { graph.nodes[$0].id },
            dataFlowEdgesTo: localOwners(arguments.dataFlowOwners, among: nodeIDs),
            health: health,
            arguments: detailed ? arguments : nil,
            exports: detailed ? (exports[i] ?? [:]) : nil,
            debugInfo: detailed ? (components[i] as? any DebugInfoReporting)?.debugInfo : nil)
    }

    /// A node's body evaluated for display, with the attributes its component reads as secrets hidden (where its
    /// last decode found them; a node never decoded is decoded now to find them).
    private func displayedArguments(_ node: ComponentNode, scope: [String: Value]) -> [EvaluatedStatement] {
        let relative = secretAttributes[node.id] ?? Controller.decode(node, scope: scope, allowExperimental: allowExperimental).secrets
        let ev = Evaluator(source: node.source, scope: scope, allowExperimental: allowExperimental)
        return ev.evaluateBody(node.block.body, secrets: Set(relative.map { $0 + node.block.nameOffset }))
    }

    /// The components of this controller that own the receivers a component sends to: a receiver's owner is named
    /// by its full id, so one inside a custom component's body (`lib.tagger.first/loki.process.tag`) is the custom
    /// component here (`lib.tagger.first`), as Alloy draws the edge. Owners outside this module are left out.
    private func localOwners(_ owners: [String], among nodeIDs: Set<String>) -> [String] {
        var out: [String] = []
        for owner in owners {
            var local = Substring(owner)
            if !moduleID.isEmpty {
                guard owner.hasPrefix(moduleID + "/") else { continue }
                local = local.dropFirst(moduleID.count + 1)
            }
            let id = String(local.prefix { $0 != "/" })
            if nodeIDs.contains(id) && !out.contains(id) { out.append(id) }
        }
        return out
    }

    /// The components that report themselves unhealthy, in configuration order, with their messages.
    public func unhealthyComponents() async -> [(id: String, message: String)] {
        var out: [(id: String, message: String)] = []
        for (i, c) in components.enumerated() {
            guard let reporting = c as? any HealthReporting else { continue }
            let h = reporting.health
            if h.state == .unhealthy { out.append((qualified(graph.nodes[i].id), h.message)) }
        }
        for module in await moduleControllers() { out += await module.unhealthyComponents() }
        return out
    }}

/// The newest exports each component (by id) published that the controller has not applied yet.
final class PendingExports: Sendable {
    private let published = Mutex<[String: [String: Value]]>([:])

    func store(_ exports: [String: Value], for id: String) { published.withLock { $0[id] = exports } }

    func takeAll() -> [String: [String: Value]] {
        published.withLock { p in
            defer { p = [:] }
            return p
        }
    }
}
