import HTTPClientSupport
import KubeDiscovery
import Logging
import LogCore
import Evaluation
import Runtime
import Synchronization

/// `discovery.kubernetes`: lists and watches the objects of its role (`pod`, `node`, `service`, `endpoints`,
/// `endpointslice`, `ingress`) through the API server and exports their targets with Alloy's `__meta_kubernetes_*`
/// labels.
public final class DiscoveryKubernetesComponent: TypedComponent, HealthReporting, DebugInfoReporting {
    public struct Arguments: ComponentArguments {
        var config: DiscoveryConfig

        public init(_ d: inout BodyDecoder) {
            let role: String = d.required("role")
            let apiServer: String? = d.optional("api_server")
            let kubeconfig: String? = d.optional("kubeconfig_file")
            let client = HTTPClientArguments.decode(&d)
            var connection = ConnectionConfig.inCluster
            if let kubeconfig { connection = .kubeconfig(path: kubeconfig) } else if let apiServer {
                if !(apiServer.hasPrefix("http://") || apiServer.hasPrefix("https://")) {
                    d.error("api_server must start with http:// or https://", attribute: "api_server")
                }
                connection = .apiServer(url: apiServer, settings: client)
            }
            let parsedRole = DiscoveryConfig.Role(rawValue: role)
            if parsedRole == nil {
                d.error("unknown role \"\(role)\": expected one of " + DiscoveryConfig.Role.allCases.map(\.rawValue).joined(separator: ", "), attribute: "role")
            }
            config = DiscoveryConfig(role: parsedRole ?? .pod, connection: connection)
            if var n = d.block("namespaces") {
                n.read("names", into: &config.namespaces)
                n.read("own_namespace", into: &config.ownNamespace)
                d.absorb(&n)
            }
            for var s in d.blocks("selectors") {
                let r: String = s.required("role")
                if !["pod", "node", "service", "endpoints", "endpointslice", "ingress", "namespace"].contains(r) {
                    s.error("unknown selector role \"\(r)\"", attribute: "role")
                }
                config.selectors.append(.init(role: r, label: s.optional("label"), field: s.optional("field")))
                d.absorb(&s)
            }
            if var a = d.block("attach_metadata") {
                a.read("node", into: &config.attachNode)
                a.read("namespace", into: &config.attachNamespace)
                d.absorb(&a)
            }
        }
    }

    private let options: ComponentOptions
    private let logger: Logger
    private let state: Mutex<(config: DiscoveryConfig, targets: [LabelSet])>
    private let watcher = InnerTask()
    /// The health of the discovery running now.
    private let current = Mutex<WatchHealth?>(nil)

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        logger = options.logger
        state = Mutex((arguments.config, []))
    }

    public var exports: [String: Value] { ["targets": TargetList(state.withLock { $0.targets }).value] }

    private func start(_ config: DiscoveryConfig) {
        let discovery = KubernetesDiscovery(config: config, componentID: options.id, logger: logger) { [weak self] targets in
            guard let self else { return }
            self.state.withLock { $0.targets = targets }
            self.options.onStateChange(["targets": TargetList(targets).value])
        }
        current.withLock { $0 = discovery.health }
        watcher.start { await discovery.run() }
    }

    /// The watches' state and how many targets discovery exports now.
    public var debugInfo: [EvaluatedStatement] {
        let status = current.withLock { $0 }?.status
        return [
            .attribute(name: "watch_state", value: .string(status.map { $0.healthy ? "watching" : "failing" } ?? "not started")),
            .attribute(name: "watch_message", value: .string(status?.message ?? "")),
            .attribute(name: "targets", value: .number(.int(Int64(state.withLock { $0.targets.count })))),
        ]
    }

    /// Unhealthy while the API server cannot be reached or refuses a list or watch, with its error.
    public var health: ComponentHealth {
        guard let status = current.withLock({ $0 })?.status else {
            return ComponentHealth(state: .unknown, message: "discovery has not started")
        }
        return ComponentHealth(state: status.healthy ? .healthy : .unhealthy, message: status.message, updated: status.since)
    }

    public func run() async {
        start(state.withLock { $0.config })
        await watcher.parkThenStop()
    }

    public func update(arguments: Arguments) async throws {
        guard state.withLock({ $0.config }) != arguments.config else { return }
        await watcher.stop()
        state.withLock { $0.config = arguments.config }
        start(arguments.config)
    }
}
