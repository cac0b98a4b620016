/// Builds discovery targets from API objects exactly as Alloy's `discovery.kubernetes` (Prometheus' Kubernetes
/// SD) labels them. Pure functions: the same objects always give the same targets.
public enum Targets {
    /// A target: label name → value. Empty values are left out (an empty label is an absent label).
    public typealias Target = [String: String]

    /// Meta label names built from Kubernetes keys (`__meta_kubernetes_pod_label_<k>` …), made once per distinct
    /// key and shared by every target that carries them: 5,000 pods with the same 20 label keys hold 20 names.
    public struct Names {
        private struct Key: Hashable {
            var prefix: String
            var kind: String
            var key: String
        }
        private var cache: [Key: String] = [:]
        public init() {}
        mutating func name(_ prefix: String, _ kind: String, _ key: String) -> String {
            let lookup = Key(prefix: prefix, kind: kind, key: key)
            if let n = cache[lookup] { return n }
            let n = prefix + kind + sanitize(key)
            cache[lookup] = n
            return n
        }
    }

    /// Replaces every character outside `[a-zA-Z0-9_]` by `_` (one per Unicode character), as Prometheus does.
    public static func sanitize(_ name: String) -> String {
        var out = ""
        out.reserveCapacity(name.utf8.count)
        for scalar in name.unicodeScalars {
            let v = scalar.value
            let ok = (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39) || v == 0x5F
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        return out
    }

    static func set(_ t: inout Target, _ name: String, _ value: String?) {
        if let value, !value.isEmpty { t[name] = value }
    }

    /// `<prefix>_label_<k>`, `<prefix>_labelpresent_<k>`, `<prefix>_annotation_<k>`, `<prefix>_annotationpresent_<k>`.
    static func addMeta(_ t: inout Target, prefix: String, _ meta: ObjectMeta, _ names: inout Names) {
        for (k, v) in meta.labels ?? [:] {
            set(&t, names.name(prefix, "_label_", k), v)
            t[names.name(prefix, "_labelpresent_", k)] = "true"
        }
        for (k, v) in meta.annotations ?? [:] {
            set(&t, names.name(prefix, "_annotation_", k), v)
            t[names.name(prefix, "_annotationpresent_", k)] = "true"
        }
    }

    /// `host:port`, with an IPv6 host in brackets.
    static func address(_ ip: String, _ port: Int) -> String {
        ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    /// Fixed label names, made once: a name built per target (`prefix + "_name"`) would be a separate heap string
    /// in every one of thousands of targets.
    enum Name {
        static let namespace = "__meta_kubernetes_namespace"
        static let podName = "__meta_kubernetes_pod_name"
        static let podIP = "__meta_kubernetes_pod_ip"
        static let podReady = "__meta_kubernetes_pod_ready"
        static let podPhase = "__meta_kubernetes_pod_phase"
        static let podNodeName = "__meta_kubernetes_pod_node_name"
        static let podHostIP = "__meta_kubernetes_pod_host_ip"
        static let podUID = "__meta_kubernetes_pod_uid"
        static let podControllerKind = "__meta_kubernetes_pod_controller_kind"
        static let podControllerName = "__meta_kubernetes_pod_controller_name"
        static let containerName = "__meta_kubernetes_pod_container_name"
        static let containerID = "__meta_kubernetes_pod_container_id"
        static let containerImage = "__meta_kubernetes_pod_container_image"
        static let containerInit = "__meta_kubernetes_pod_container_init"
        static let portName = "__meta_kubernetes_pod_container_port_name"
        static let portNumber = "__meta_kubernetes_pod_container_port_number"
        static let portProtocol = "__meta_kubernetes_pod_container_port_protocol"
        static let nodeName = "__meta_kubernetes_node_name"
        static let nodeProviderID = "__meta_kubernetes_node_provider_id"
        static let address = "__address__"
    }

    /// The labels every target of a pod shares.
    public static func podGroupLabels(_ pod: Pod, node: Node? = nil, namespace: Namespace? = nil, names: inout Names) -> Target {
        var t: Target = [:]
        let p = "__meta_kubernetes_pod"
        set(&t, Name.namespace, pod.metadata.namespace)
        set(&t, Name.podName, pod.metadata.name)
        set(&t, Name.podIP, pod.status?.podIP)
        let ready = pod.status?.conditions?.first { $0.type == "Ready" }?.status?.lowercased() ?? "unknown"
        t[Name.podReady] = ready
        set(&t, Name.podPhase, pod.status?.phase)
        set(&t, Name.podNodeName, pod.spec?.nodeName)
        set(&t, Name.podHostIP, pod.status?.hostIP)
        set(&t, Name.podUID, pod.metadata.uid)
        if let owner = pod.metadata.ownerReferences?.first(where: { $0.controller == true }) {
            set(&t, Name.podControllerKind, owner.kind)
            set(&t, Name.podControllerName, owner.name)
        }
        addMeta(&t, prefix: p, pod.metadata, &names)
        if let node {
            set(&t, Name.nodeName, node.metadata.name)
            addMeta(&t, prefix: "__meta_kubernetes_node", node.metadata, &names)
        }
        if let namespace { addMeta(&t, prefix: "__meta_kubernetes_namespace", namespace.metadata, &names) }
        return t
    }

    /// One target per container port, and one per container without ports, for containers then init containers.
    /// A pod without an IP (pending, evicted) has none.
    public static func pod(_ pod: Pod, node: Node? = nil, namespace: Namespace? = nil) -> [Target] {
        var names = Names()
        return Targets.pod(pod, node: node, namespace: namespace, names: &names)
    }

    /// As `pod(_:node:namespace:)`, sharing label names through `names`.
    public static func pod(_ pod: Pod, node: Node? = nil, namespace: Namespace? = nil, names: inout Names) -> [Target] {
        guard let ip = pod.status?.podIP, !ip.isEmpty else { return [] }
        let group = podGroupLabels(pod, node: node, namespace: namespace, names: &names)
        var out: [Target] = []
        for (containers, statuses, isInit) in [(pod.spec?.containers, pod.status?.containerStatuses, false),
                                                (pod.spec?.initContainers, pod.status?.initContainerStatuses, true)] {
            for c in containers ?? [] {
                var base = group
                set(&base, Name.containerName, c.name)
                set(&base, Name.containerID, statuses?.first { $0.name == c.name }?.containerID)
                set(&base, Name.containerImage, c.image)
                base[Name.containerInit] = isInit ? "true" : "false"
                let ports = c.ports ?? []
                if ports.isEmpty {
                    base[Name.address] = ip
                    out.append(base)
                    continue
                }
                for port in ports {
                    var t = base
                    let number = port.containerPort ?? 0
                    t[Name.address] = address(ip, number)
                    set(&t, Name.portName, port.name)
                    t[Name.portNumber] = String(number)
                    t[Name.portProtocol] = port.protocol_ ?? "TCP"
                    out.append(t)
                }
            }
        }
        return out
    }

    /// The node's target (role `node`), or nil when it has no usable address.
    public static func node(_ node: Node) -> Target? {
        var names = Names()
        return Targets.node(node, names: &names)
    }

    /// As `node(_:)`, sharing label names through `names`.
    public static func node(_ node: Node, names: inout Names) -> Target? {
        let addresses = node.status?.addresses ?? []
        var firstOfType: [String: String] = [:]
        for a in addresses {
            guard let type = a.type, let addr = a.address, firstOfType[type] == nil else { continue }
            firstOfType[type] = addr
        }
        let order = ["InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"]
        guard let host = order.lazy.compactMap({ firstOfType[$0] }).first else { return nil }
        var t: Target = [:]
        let port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0
        t[Name.address] = address(host, port)
        set(&t, "instance", node.metadata.name)
        set(&t, Name.nodeName, node.metadata.name)
        set(&t, Name.nodeProviderID, node.spec?.providerID)
        addMeta(&t, prefix: "__meta_kubernetes_node", node.metadata, &names)
        for (type, addr) in firstOfType { set(&t, "__meta_kubernetes_node_address_" + sanitize(type), addr) }
        for c in node.status?.conditions ?? [] {
            guard let type = c.type else { continue }
            set(&t, "__meta_kubernetes_node_condition_" + sanitize(type.lowercased()), c.status?.lowercased())
        }
        return t
    }
}
