import Logging
import Synchronization
import Syntax
#if canImport(Glibc)
import Glibc
#endif

/// Builds the components of a configuration in dependency order, runs them, re-evaluates the arguments of
/// dependents when a component publishes new exports, and stops them in reverse order.
public actor Controller {
    public let graph: ConfigGraph
    let storagePath: String
    let allowExperimental: Bool
    let logger: Logger
    private var exports: [[String: Value]?]
    private var components: [(any Component)?]
    private var tasks: [Task<Void, Never>?]
    private var updateTask: Task<Void, Never>?
    public private(set) var isReady = false
    /// The newest unprocessed exports of each component that published; a burst of publications is evaluated once.
    private let pending = PendingExports()
    private let wakeUps: AsyncStream<Void>
    private let wakeUpsContinuation: AsyncStream<Void>.Continuation

    public init(graph: ConfigGraph, storagePath: String, allowExperimental: Bool = false, logger: Logger) {
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
    static func scope(_ nodes: [ComponentNode], _ exports: [[String: Value]?]) -> [String: Value] {
        var root: [String: Value] = [:]
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

    /// Decodes the arguments of node `i` against `scope`.
    static func decodeArguments(_ node: ComponentNode, scope: [String: Value], allowExperimental: Bool) -> (any Sendable, Diagnostics) {
        let ev = Evaluator(source: node.source, scope: scope, allowExperimental: allowExperimental)
        let b = node.block
        var d = BodyDecoder(evaluator: ev, body: b.body, anchor: (b.nameOffset, b.lcurly))
        let args = node.registration.decode(&d)
        d.finish()
        return (args, d.diagnostics)
    }

    /// Type-checks every component's arguments with its dependencies' exports at their zero values.
    public static func validate(_ graph: ConfigGraph, allowExperimental: Bool = false) -> Diagnostics {
        var diags = Diagnostics()
        var exports: [[String: Value]?] = graph.nodes.map { $0.registration.exports }
        for i in graph.nodes.indices {
            let (_, d) = decodeArguments(graph.nodes[i], scope: scope(graph.nodes, exports), allowExperimental: allowExperimental)
            diags.append(contentsOf: d)
            exports[i] = graph.nodes[i].registration.exports
        }
        return diags
    }

    // MARK: lifecycle

    /// Builds and starts every component in dependency order; throws the diagnostics of the first that fails.
    public func start() async throws {
        for i in graph.nodes.indices {
            let node = graph.nodes[i]
            let (args, diags) = Controller.decodeArguments(node, scope: Controller.scope(graph.nodes, exports),
                                                           allowExperimental: allowExperimental)
            if diags.hasErrors { throw diags }
            let continuation = wakeUpsContinuation
            let pending = self.pending
            let dataPath = storagePath + "/" + node.id
            if mkdir(dataPath, 0o750) != 0 && errno != EEXIST {
                throw Diagnostics([Diagnostic(file: node.source, start: node.block.nameOffset, end: node.block.lcurly,
                                              message: "cannot create data directory \(dataPath): \(String(cString: strerror(errno)))")])
            }
            let options = ComponentOptions(id: node.id, dataPath: dataPath) { newExports in
                pending.store(newExports, for: i)
                continuation.yield()
            }
            let component: any Component
            do {
                component = try await node.registration.build(options, args)
            } catch {
                throw Diagnostics([Diagnostic(file: node.source, start: node.block.nameOffset, end: node.block.lcurly,
                                              message: "Failed to build component: \(error)")])
            }
            components[i] = component
            exports[i] = component.exports
            tasks[i] = Task { await component.run() }
            logger.debug("started component", metadata: ["component": "\(node.id)"])
        }
        updateTask = Task { await self.processUpdates() }
        isReady = true
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
            for (i, newExports) in published {
                exports[i] = newExports
                dependents.formUnion(graph.dependents(of: i))
            }
            let scope = Controller.scope(graph.nodes, exports)
            for j in dependents.sorted() {
                guard let component = components[j] else { continue }
                let node = graph.nodes[j]
                let (args, diags) = Controller.decodeArguments(node, scope: scope, allowExperimental: allowExperimental)
                if diags.hasErrors {
                    logger.error("failed to evaluate arguments", metadata: ["component": "\(node.id)", "err": "\(diags)"])
                    continue
                }
                do {
                    try await component.update(args)
                } catch {
                    logger.error("failed to update component", metadata: ["component": "\(node.id)", "err": "\(error)"])
                }
            }
        }
    }

    /// Stops components in reverse dependency order (sources first, writers last), giving each up to
    /// `drainTimeout` to flush what it holds.
    public func stop(drainTimeout: Duration = .seconds(15)) async {
        wakeUpsContinuation.finish()
        updateTask?.cancel()
        isReady = false
        for i in graph.nodes.indices.reversed() {
            guard let task = tasks[i] else { continue }
            task.cancel()
            let finished = await withTaskGroup(of: Bool.self) { group in
                group.addTask { await task.value; return true }
                group.addTask {
                    try? await Task.sleep(for: drainTimeout)
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            if !finished {
                logger.warning("component did not stop within the drain timeout", metadata: ["component": "\(graph.nodes[i].id)"])
            }
            tasks[i] = nil
        }
    }

    /// The components that report themselves unhealthy, in configuration order, with their messages.
    public func unhealthyComponents() -> [(id: String, message: String)] {
        var out: [(id: String, message: String)] = []
        for (i, c) in components.enumerated() {
            guard let reporting = c as? any HealthReporting else { continue }
            let h = reporting.health
            if h.state == .unhealthy { out.append((graph.nodes[i].id, h.message)) }
        }
        return out
    }

    /// Waits until every component's run task has returned (they return after cancellation).
    public func waitForComponents() async {
        for t in tasks { await t?.value }
    }
}

/// The newest exports each component published that the controller has not applied yet.
final class PendingExports: Sendable {
    private let published = Mutex<[Int: [String: Value]]>([:])

    func store(_ exports: [String: Value], for node: Int) { published.withLock { $0[node] = exports } }

    func takeAll() -> [Int: [String: Value]] {
        published.withLock { p in
            defer { p = [:] }
            return p
        }
    }
}
