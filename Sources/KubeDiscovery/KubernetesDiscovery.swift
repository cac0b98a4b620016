import Platform
import Foundation
import HTTPClientSupport
import LogCore
import Logging
import Synchronization

/// What `discovery.kubernetes` watches and how.
public struct DiscoveryConfig: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable { case pod, node, service, endpoints, endpointslice, ingress }
    /// A `selectors` block.
    public struct Selector: Sendable, Equatable {
        public var role: String
        public var label: String?
        public var field: String?
        public init(role: String, label: String?, field: String?) {
            self.role = role
            self.label = label
            self.field = field
        }
    }
    public var role: Role
    public var connection: ConnectionConfig
    /// Namespaces to watch; empty = all.
    public var namespaces: [String] = []
    public var ownNamespace = false
    public var selectors: [Selector] = []
    public var attachNode = false
    public var attachNamespace = false
    /// Publishing targets at most this often (changes in between are coalesced).
    public var publishInterval: Duration = .seconds(1)

    public init(role: Role, connection: ConnectionConfig) {
        self.role = role
        self.connection = connection
    }

    /// Whether pods are restricted to one node (a `spec.nodeName=` field selector), as a DaemonSet must be.
    public var restrictsToNode: Bool {
        selectors.contains { $0.role == "pod" && ($0.field ?? "").contains("spec.nodeName=") }
    }
}

/// Lists and watches the objects of its role — pods, nodes, services, endpoints (with their services and pods),
/// endpoint slices (likewise) or ingresses — and publishes their targets whenever they change, coalescing bursts.
public final class KubernetesDiscovery: Sendable {
    /// A published target: sorted labels, the compact form shared with every component that receives it.
    public typealias Target = LabelSet

    private struct State {
        var pods: [String: Pod] = [:]
        var podsByNamespace: [String: Set<String>] = [:]
        var nodes: [String: Node] = [:]
        var namespaces: [String: Namespace] = [:]
        var podTargets: [String: [Target]] = [:]
        var nodeTargets: [String: Target] = [:]
        // The roles built on services, and ingresses: their objects, whose targets are built when published.
        var services: [String: Service] = [:]
        var endpoints: [String: Endpoints] = [:]
        var slices: [String: EndpointSlice] = [:]
        var ingresses: [String: Ingress] = [:]
        var dirty = false
        /// Whether the node informer has delivered its first list (until then no pod is filtered by its node).
        var nodesListed = false
        var names = Targets.Names()
    }

    public let config: DiscoveryConfig
    /// Whether a node selector restricts the watched nodes (pods on other nodes then get no targets).
    private let filtersNodes: Bool
    private let logger: Logger
    /// The full id of the component discovering, for its metrics' `component_id`.
    private let componentID: String
    private let publish: @Sendable ([Target]) -> Void
    private let state = Mutex(State())
    private let changed = WakeSignal()
    /// Whether the API server is reachable and answers.
    public let health = WatchHealth()

    /// - Parameter publish: receives the complete target list after each (coalesced) change.
    public init(config: DiscoveryConfig, componentID: String, logger: Logger, publish: @escaping @Sendable ([Target]) -> Void) {
        self.config = config
        self.componentID = componentID
        filtersNodes = config.selectors.last { $0.role == "node" }.map { $0.label != nil || $0.field != nil } ?? false
        self.logger = logger
        self.publish = publish
    }

    /// The targets as they are now (in no particular order across objects, as in Alloy; a pod's own targets
    /// keep their container order).
    public var targets: [Target] {
        state.withLock { s in
            switch config.role {
            case .pod:
                var out: [Target] = []
                out.reserveCapacity(s.podTargets.count * 3)
                for list in s.podTargets.values { out += list }
                return out
            case .node: return Array(s.nodeTargets.values)
            case .service, .endpoints, .endpointslice, .ingress: return objectTargets(&s)
            }
        }
    }

    /// The targets of the roles other than pod and node, built from the objects held now.
    private func objectTargets(_ s: inout State) -> [Target] {
        let pods = s.pods, services = s.services, nodes = s.nodes, namespaces = s.namespaces
        let lookup = Targets.Lookup(
            service: { services[$0 + "/" + $1] }, pod: { pods[$0 + "/" + $1] },
            node: config.attachNode ? { nodes[$0] } : nil,
            namespace: config.attachNamespace ? { namespaces[$0] } : nil)
        var out: [[String: String]] = []
        switch config.role {
        case .service: for svc in s.services.values { out += Targets.service(svc, lookup: lookup, names: &s.names) }
        case .endpoints: for e in s.endpoints.values { out += Targets.endpoints(e, lookup: lookup, names: &s.names) }
        case .endpointslice: for e in s.slices.values { out += Targets.endpointSlice(e, lookup: lookup, names: &s.names) }
        case .ingress: for i in s.ingresses.values { out += Targets.ingress(i, lookup: lookup, names: &s.names) }
        case .pod, .node: break
        }
        return out.map { LabelSet($0) }
    }

    /// Watches until cancelled. Connection problems are logged and retried; they never end the loop.
    public func run() async {
        var namespaces = config.namespaces
        var made: KubeClient? = nil
        while made == nil {
            do {
                let (base, settings) = try config.connection.resolve()
                if config.ownNamespace {
                    let own = try HTTPAuth.readSecret(ConnectionConfig.serviceAccountDirectory + "/namespace")
                    if own.isEmpty { throw SettingsError(message: "own_namespace: the service-account namespace file is empty") }
                    namespaces.append(own)
                }
                made = try KubeClient(baseURL: base, settings: settings)
                health.succeeded("client")
            } catch {
                health.failed("client", "\(error)")
                logger.error("kubernetes discovery cannot start; retrying in 10s", metadata: ["err": "\(error)"])
                try? await Task.sleep(for: .seconds(10))
                if Task.isCancelled { return }
            }
        }
        guard let client = made else { return }
        if config.role == .pod && !config.restrictsToNode {
            logger.warning("discovery.kubernetes watches the pods of every node: on a DaemonSet add selectors { role = \"pod\" field = \"spec.nodeName=\" + sys.env(\"NODE_NAME\") } with NODE_NAME from the downward API (spec.nodeName, as deploy/kubernetes/daemonset.yaml does) so that each node lists and watches only its own pods")
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.publisher() }
            switch config.role {
            case .pod:
                let podSelector = config.selectors.last { $0.role == "pod" }
                for ns in namespaces.isEmpty ? [nil] : namespaces.map(Optional.some) {
                    let informer = Informer<Pod>(client: client, namespace: ns, labelSelector: podSelector?.label, fieldSelector: podSelector?.field,
                                                 role: "pod", componentID: componentID, logger: logger, health: health) { [self] in apply($0, scope: ns ?? "") }
                    group.addTask { await informer.run() }
                }
            case .node:
                let s = config.selectors.last { $0.role == "node" }
                let informer = Informer<Node>(client: client, namespace: nil, labelSelector: s?.label, fieldSelector: s?.field,
                                              role: "node", componentID: componentID, logger: logger, health: health) { [self] in applyNode($0) }
                group.addTask { await informer.run() }
            case .service:
                watch(Service.self, role: "service", namespaces, client, &group, \.services)
            case .ingress:
                watch(Ingress.self, role: "ingress", namespaces, client, &group, \.ingresses)
            case .endpoints, .endpointslice:
                if config.role == .endpoints {
                    watch(Endpoints.self, role: "endpoints", namespaces, client, &group, \.endpoints)
                } else {
                    watch(EndpointSlice.self, role: "endpointslice", namespaces, client, &group, \.slices)
                }
                watch(Service.self, role: "service", namespaces, client, &group, \.services)
                watch(Pod.self, role: "pod", namespaces, client, &group, \.pods)
            }
            // attach_metadata: nodes and namespaces for every role that uses them (role node watches nodes anyway).
            if config.role != .node {
                if config.attachNode {
                    let s = config.selectors.last { $0.role == "node" }
                    let informer = Informer<Node>(client: client, namespace: nil, labelSelector: s?.label, fieldSelector: s?.field,
                                                  role: "node", componentID: componentID, logger: logger, health: health) { [self] in applyNode($0) }
                    group.addTask { await informer.run() }
                }
                if config.attachNamespace {
                    let informer = Informer<Namespace>(client: client, namespace: nil, labelSelector: nil, fieldSelector: nil,
                                                       role: "namespace", componentID: componentID, logger: logger, health: health) { [self] in applyNamespace($0) }
                    group.addTask { await informer.run() }
                }
            }
            await group.waitForAll()
        }
        await client.shutdown()
    }

    /// Lists and watches the objects of one kind (in each namespace, or all), with the selector of its role, keeping
    /// them in `store`.
    private func watch<Object: KubeObject>(_ type: Object.Type, role: String, _ namespaces: [String], _ client: KubeClient,
                                           _ group: inout TaskGroup<Void>, _ store: WritableKeyPath<State, [String: Object]> & Sendable) {
        let selector = config.selectors.last { $0.role == role }
        for ns in namespaces.isEmpty ? [nil] : namespaces.map(Optional.some) {
            let informer = Informer<Object>(client: client, namespace: ns, labelSelector: selector?.label, fieldSelector: selector?.field,
                                            role: role, componentID: componentID, logger: logger, health: health) { [self] update in
                state.withLock { s in
                    KubernetesDiscovery.store(update, scope: ns ?? "", in: &s[keyPath: store])
                    markChanged(&s)
                }
            }
            group.addTask { await informer.run() }
        }
    }

    /// Applies an informer's update to the objects it keeps (a fresh list replaces those of its namespace).
    static func store<Object: KubeObject>(_ update: InformerUpdate<Object>, scope: String, in objects: inout [String: Object]) {
        switch update {
        case .replaced(let list):
            let fresh = Set(list.map(\.key))
            for (key, o) in objects where (scope.isEmpty || o.metadata.namespace == scope) && !fresh.contains(key) { objects[key] = nil }
            for o in list { objects[o.key] = o }
        case .upserted(let o): objects[o.key] = o
        case .deleted(let o): objects[o.key] = nil
        }
    }

    /// Publishes after changes, at most once per `publishInterval`.
    private func publisher() async {
        while !Task.isCancelled {
            await changed.wait(timeout: .seconds(3600))
            if Task.isCancelled { return }
            let dirty = state.withLock { s in defer { s.dirty = false }; return s.dirty }
            if dirty { publish(targets) }
            try? await Task.sleep(for: config.publishInterval)
        }
    }

    private func markChanged(_ s: inout State) {
        s.dirty = true
        changed.signal()
    }

    // MARK: applying updates

    /// Applies a pod update from the informer of `scope` (a namespace, or "" for all).
    func apply(_ update: InformerUpdate<Pod>, scope: String) {
        state.withLock { s in
            switch update {
            case .replaced(let pods):
                let fresh = Set(pods.map(\.key))
                for key in s.pods.keys where (scope.isEmpty || s.pods[key]!.metadata.namespace == scope) && !fresh.contains(key) {
                    s.pods[key] = nil
                    s.podTargets[key] = nil
                }
                for p in pods { upsert(p, &s) }
            case .upserted(let p):
                upsert(p, &s)
            case .deleted(let p):
                s.pods[p.key] = nil
                s.podTargets[p.key] = nil
            }
            markChanged(&s)
        }
    }

    private func upsert(_ p: Pod, _ s: inout State) {
        s.podTargets[p.key] = podTargets(p, &s)
        // The whole pod is kept only when node or namespace metadata can change its targets later.
        if config.attachNode || config.attachNamespace {
            s.pods[p.key] = p
        } else {
            var meta = ObjectMeta(name: p.metadata.name, namespace: p.metadata.namespace)
            meta.uid = p.metadata.uid
            s.pods[p.key] = Pod(metadata: meta, spec: Pod.Spec(nodeName: p.spec?.nodeName), status: nil)
        }
    }

    private func podTargets(_ p: Pod, _ s: inout State) -> [Target] {
        if config.attachNode, filtersNodes, s.nodesListed, let nodeName = p.spec?.nodeName, s.nodes[nodeName] == nil {
            // Pods on nodes the node selector filtered out get no targets (as in Alloy).
            return []
        }
        let node = config.attachNode ? p.spec?.nodeName.flatMap { s.nodes[$0] } : nil
        let namespace = config.attachNamespace ? p.metadata.namespace.flatMap { s.namespaces[$0] } : nil
        return Targets.pod(p, node: node, namespace: namespace, names: &s.names).map { LabelSet($0) }
    }

    func applyNode(_ update: InformerUpdate<Node>) {
        state.withLock { s in
            // Nodes whose pods need new targets; nil: every pod.
            var touched: Set<String>? = nil
            switch update {
            case .replaced(let nodes):
                s.nodes = Dictionary(nodes.map { ($0.metadata.name ?? "", $0) }, uniquingKeysWith: { _, b in b })
                s.nodeTargets = [:]
                for n in nodes { s.nodeTargets[n.key] = Targets.node(n, names: &s.names).map { LabelSet($0) } }
                s.nodesListed = true
            case .upserted(let n):
                s.nodes[n.metadata.name ?? ""] = n
                s.nodeTargets[n.key] = Targets.node(n, names: &s.names).map { LabelSet($0) }
                touched = [n.metadata.name ?? ""]
            case .deleted(let n):
                s.nodes[n.metadata.name ?? ""] = nil
                s.nodeTargets[n.key] = nil
                touched = [n.metadata.name ?? ""]
            }
            if config.attachNode && config.role == .pod {
                for (key, p) in s.pods where touched?.contains(p.spec?.nodeName ?? "") ?? true { s.podTargets[key] = podTargets(p, &s) }
            }
            markChanged(&s)
        }
    }

    func applyNamespace(_ update: InformerUpdate<Namespace>) {
        state.withLock { s in
            // Namespaces whose pods need new targets; nil: every pod.
            var touched: Set<String>? = nil
            switch update {
            case .replaced(let list):
                s.namespaces = Dictionary(list.map { ($0.metadata.name ?? "", $0) }, uniquingKeysWith: { _, b in b })
            case .upserted(let n):
                s.namespaces[n.metadata.name ?? ""] = n
                touched = [n.metadata.name ?? ""]
            case .deleted(let n):
                s.namespaces[n.metadata.name ?? ""] = nil
                touched = [n.metadata.name ?? ""]
            }
            if config.role == .pod {
                for (key, p) in s.pods where touched?.contains(p.metadata.namespace ?? "") ?? true { s.podTargets[key] = podTargets(p, &s) }
            }
            markChanged(&s)
        }
    }
}
