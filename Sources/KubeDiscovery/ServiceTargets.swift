/// Targets of the roles built on services — `service`, `endpoints`, `endpointslice` — and `ingress`, labelled as
/// Prometheus' Kubernetes SD (which Alloy runs) labels them: each target is its object's group labels with its own
/// on top.
extension Targets {
    /// What the endpoint roles look up: the services, pods and nodes discovery holds.
    public struct Lookup {
        public var service: (_ namespace: String, _ name: String) -> Service?
        public var pod: (_ namespace: String, _ name: String) -> Pod?
        /// nil: node metadata is not attached.
        public var node: ((_ name: String) -> Node?)?
        public var namespace: ((_ name: String) -> Namespace?)?
        public init(service: @escaping (String, String) -> Service? = { _, _ in nil }, pod: @escaping (String, String) -> Pod? = { _, _ in nil },
                    node: ((String) -> Node?)? = nil, namespace: ((String) -> Namespace?)? = nil) {
            self.service = service
            self.pod = pod
            self.node = node
            self.namespace = namespace
        }
    }

    /// `__meta_kubernetes_<role>_name` and the object's labels and annotations (with their `present` twins).
    static func objectMeta(_ t: inout Target, role: String, _ meta: ObjectMeta, _ names: inout Names) {
        let prefix = "__meta_kubernetes_" + role
        set(&t, names.name(prefix, "_name", ""), meta.name)
        addMeta(&t, prefix: prefix, meta, &names)
    }

    /// The namespace's own labels and annotations, when `attach_metadata { namespace = true }` found it.
    static func namespaceMeta(_ t: inout Target, _ namespace: String?, _ lookup: Lookup, _ names: inout Names) {
        guard let namespace, let find = lookup.namespace, let ns = find(namespace) else { return }
        addMeta(&t, prefix: "__meta_kubernetes_namespace", ns.metadata, &names)
    }

    /// A service's group labels (also part of its endpoints' and endpoint slices' targets).
    static func serviceLabels(_ svc: Service, _ names: inout Names) -> Target {
        var t: Target = [:]
        set(&t, Name.namespace, svc.metadata.namespace)
        objectMeta(&t, role: "service", svc.metadata, &names)
        return t
    }

    /// Role `service`: one target per port, at `<name>.<namespace>.svc:<port>`.
    public static func service(_ svc: Service, lookup: Lookup = Lookup(), names: inout Names) -> [Target] {
        var group = serviceLabels(svc, &names)
        namespaceMeta(&group, svc.metadata.namespace, lookup, &names)
        let type = svc.spec?.type ?? ""
        return (svc.spec?.ports ?? []).map { port in
            var t = group
            let number = port.port ?? 0
            t[Name.address] = address("\(svc.metadata.name ?? "").\(svc.metadata.namespace ?? "").svc", number)
            set(&t, "__meta_kubernetes_service_port_name", port.name)
            t["__meta_kubernetes_service_port_number"] = String(number)
            set(&t, "__meta_kubernetes_service_port_protocol", port.protocol_)
            set(&t, "__meta_kubernetes_service_type", type)
            if type == "ExternalName" {
                set(&t, "__meta_kubernetes_service_external_name", svc.spec?.externalName)
            } else {
                set(&t, "__meta_kubernetes_service_cluster_ip", svc.spec?.clusterIP)
            }
            if type == "LoadBalancer" { set(&t, "__meta_kubernetes_service_loadbalancer_ip", svc.spec?.loadBalancerIP) }
            return t
        }
    }

    /// A pod's labels on an endpoint target (Prometheus' `podLabels`: no container, no node metadata).
    static func endpointPodLabels(_ pod: Pod, _ names: inout Names) -> Target {
        var t = podGroupLabels(pod, names: &names)
        t[Name.namespace] = nil   // the group's namespace label is the endpoint's (the same namespace)
        return t
    }

    /// The labels of the pod container whose port is `port`, when one has it; the protocol is `proto` (the
    /// endpoint port's, for role `endpoints`) or, without one, the container port's (role `endpointslice`).
    static func containerPortLabels(_ t: inout Target, _ pod: Pod, port: Int, protocol proto: String?) {
        let containers = (pod.spec?.containers ?? []).map { ($0, false) } + (pod.spec?.initContainers ?? []).map { ($0, true) }
        for (c, isInit) in containers {
            guard let cport = (c.ports ?? []).first(where: { $0.containerPort == port }) else { continue }
            set(&t, Name.containerName, c.name)
            set(&t, Name.containerImage, c.image)
            set(&t, Name.portName, cport.name)
            t[Name.portNumber] = String(port)
            set(&t, Name.portProtocol, proto ?? cport.protocol_ ?? "TCP")
            t[Name.containerInit] = isInit ? "true" : "false"
            return
        }
    }

    /// The targets of the container ports of `pods` no endpoint port covered (`covered`: pod key → ports).
    static func uncoveredContainerPorts(_ pods: [(Pod, Set<Int>)], _ names: inout Names) -> [Target] {
        var out: [Target] = []
        for (pod, covered) in pods {
            guard let ip = pod.status?.podIP, !ip.isEmpty else { continue }
            let labels = endpointPodLabels(pod, &names)
            let containers = (pod.spec?.containers ?? []).map { ($0, false) } + (pod.spec?.initContainers ?? []).map { ($0, true) }
            for (c, isInit) in containers {
                for cport in c.ports ?? [] {
                    let number = cport.containerPort ?? 0
                    if covered.contains(number) { continue }
                    var t: Target = [:]
                    t[Name.address] = address(ip, number)
                    set(&t, Name.containerName, c.name)
                    set(&t, Name.containerImage, c.image)
                    set(&t, Name.portName, cport.name)
                    t[Name.portNumber] = String(number)
                    t[Name.portProtocol] = cport.protocol_ ?? "TCP"
                    t[Name.containerInit] = isInit ? "true" : "false"
                    out.append(t.merging(labels) { _, pod in pod })
                }
            }
        }
        return out
    }

    /// Node metadata on an endpoint target: the node's name, labels and annotations.
    static func nodeMeta(_ t: inout Target, _ nodeName: String?, _ lookup: Lookup, _ names: inout Names) {
        guard let nodeName, let find = lookup.node, let node = find(nodeName) else { return }
        objectMeta(&t, role: "node", node.metadata, &names)
    }

    /// Role `endpoints`: one target per address and port (ready and not ready), with the service's labels, the
    /// pod's labels and its matching container's; then one per container port of those pods no endpoint port
    /// covered.
    public static func endpoints(_ eps: Endpoints, lookup: Lookup, names: inout Names) -> [Target] {
        let namespace = eps.metadata.namespace ?? ""
        var group: Target = [:]
        set(&group, Name.namespace, eps.metadata.namespace)
        if let svc = lookup.service(namespace, eps.metadata.name ?? "") { group.merge(serviceLabels(svc, &names)) { _, new in new } }
        objectMeta(&group, role: "endpoints", eps.metadata, &names)
        namespaceMeta(&group, eps.metadata.namespace, lookup, &names)

        var targets: [Target] = []
        var seenPods: [(Pod, Set<Int>)] = []
        func add(_ addr: Endpoints.Address, _ port: Endpoints.Port, ready: String) {
            let number = port.port ?? 0
            var t: Target = [:]
            t[Name.address] = address(addr.ip ?? "", number)
            set(&t, "__meta_kubernetes_endpoint_port_name", port.name)
            set(&t, "__meta_kubernetes_endpoint_port_protocol", port.protocol_)
            t["__meta_kubernetes_endpoint_ready"] = ready
            if let ref = addr.targetRef {
                set(&t, "__meta_kubernetes_endpoint_address_target_kind", ref.kind)
                set(&t, "__meta_kubernetes_endpoint_address_target_name", ref.name)
            }
            set(&t, "__meta_kubernetes_endpoint_node_name", addr.nodeName)
            set(&t, "__meta_kubernetes_endpoint_hostname", addr.hostname)
            if lookup.node != nil {
                nodeMeta(&t, addr.nodeName ?? (addr.targetRef?.kind == "Node" ? addr.targetRef?.name : nil), lookup, &names)
            }
            if let ref = addr.targetRef, ref.kind == "Pod", let pod = lookup.pod(ref.namespace ?? namespace, ref.name ?? "") {
                t.merge(endpointPodLabels(pod, &names)) { _, pod in pod }
                containerPortLabels(&t, pod, port: number, protocol: port.protocol_)
                if let i = seenPods.firstIndex(where: { $0.0.key == pod.key }) { seenPods[i].1.insert(number) } else { seenPods.append((pod, [number])) }
            }
            targets.append(group.merging(t) { _, own in own })
        }
        for subset in eps.subsets ?? [] {
            for port in subset.ports ?? [] {
                for addr in subset.addresses ?? [] { add(addr, port, ready: "true") }
                for addr in subset.notReadyAddresses ?? [] { add(addr, port, ready: "false") }
            }
        }
        return targets + uncoveredContainerPorts(seenPods, &names).map { group.merging($0) { _, own in own } }
    }

    /// Role `endpointslice`: one target per endpoint address and port, with the service's labels (found through
    /// the slice's `kubernetes.io/service-name` label), the pod's and its matching container's; then one per
    /// uncovered container port. The secondary slice of a dual-stack service gives none (its targets would repeat
    /// the primary's).
    public static func endpointSlice(_ slice: EndpointSlice, lookup: Lookup, names: inout Names) -> [Target] {
        let namespace = slice.metadata.namespace ?? ""
        var group: Target = [:]
        set(&group, Name.namespace, slice.metadata.namespace)
        set(&group, "__meta_kubernetes_endpointslice_address_type", slice.addressType)
        objectMeta(&group, role: "endpointslice", slice.metadata, &names)
        let svc = slice.metadata.labels?["kubernetes.io/service-name"].flatMap { lookup.service(namespace, $0) }
        if let svc { group.merge(serviceLabels(svc, &names)) { _, new in new } }
        namespaceMeta(&group, slice.metadata.namespace, lookup, &names)
        if let svc, let policy = svc.spec?.ipFamilyPolicy, policy == "PreferDualStack" || policy == "RequireDualStack",
           let primary = svc.spec?.ipFamilies?.first, slice.addressType != primary {
            return []
        }

        var targets: [Target] = []
        var seenPods: [(Pod, Set<Int>)] = []
        for ep in slice.endpoints ?? [] {
            for port in slice.ports ?? [] {
                for addr in ep.addresses ?? [] {
                    var t: Target = [:]
                    t[Name.address] = port.port.map { address(addr, $0) } ?? addr
                    set(&t, "__meta_kubernetes_endpointslice_port_name", port.name)
                    set(&t, "__meta_kubernetes_endpointslice_port_protocol", port.protocol_)
                    if let p = port.port { t["__meta_kubernetes_endpointslice_port"] = String(p) }
                    set(&t, "__meta_kubernetes_endpointslice_port_app_protocol", port.appProtocol)
                    if let v = ep.conditions?.ready { t["__meta_kubernetes_endpointslice_endpoint_conditions_ready"] = String(v) }
                    if let v = ep.conditions?.serving { t["__meta_kubernetes_endpointslice_endpoint_conditions_serving"] = String(v) }
                    if let v = ep.conditions?.terminating { t["__meta_kubernetes_endpointslice_endpoint_conditions_terminating"] = String(v) }
                    set(&t, "__meta_kubernetes_endpointslice_endpoint_hostname", ep.hostname)
                    if let ref = ep.targetRef {
                        set(&t, "__meta_kubernetes_endpointslice_address_target_kind", ref.kind)
                        set(&t, "__meta_kubernetes_endpointslice_address_target_name", ref.name)
                    }
                    set(&t, "__meta_kubernetes_endpointslice_endpoint_node_name", ep.nodeName)
                    set(&t, "__meta_kubernetes_endpointslice_endpoint_zone", ep.zone)
                    for (k, v) in ep.deprecatedTopology ?? [:] {
                        set(&t, names.name("__meta_kubernetes_endpointslice_endpoint_topology_", "", k), v)
                        t[names.name("__meta_kubernetes_endpointslice_endpoint_topology_present_", "", k)] = "true"
                    }
                    if lookup.node != nil {
                        nodeMeta(&t, ep.targetRef?.kind == "Node" ? ep.targetRef?.name : ep.nodeName, lookup, &names)
                    }
                    if let ref = ep.targetRef, ref.kind == "Pod", let pod = lookup.pod(ref.namespace ?? namespace, ref.name ?? "") {
                        t.merge(endpointPodLabels(pod, &names)) { _, pod in pod }
                        if let p = port.port { containerPortLabels(&t, pod, port: p, protocol: nil) }
                        let covered = port.port.map { Set([$0]) } ?? []
                        if let i = seenPods.firstIndex(where: { $0.0.key == pod.key }) { seenPods[i].1.formUnion(covered) } else { seenPods.append((pod, covered)) }
                    }
                    targets.append(group.merging(t) { _, own in own })
                }
            }
        }
        return targets + uncoveredContainerPorts(seenPods, &names).map { group.merging($0) { _, own in own } }
    }

    /// Role `ingress`: one target per rule and path, at the rule's host, `https` when a TLS entry covers the host
    /// (wildcards of one label, `*.example.com`).
    public static func ingress(_ ing: Ingress, lookup: Lookup = Lookup(), names: inout Names) -> [Target] {
        var group: Target = [:]
        set(&group, Name.namespace, ing.metadata.namespace)
        set(&group, "__meta_kubernetes_ingress_class_name", ing.spec?.ingressClassName)
        objectMeta(&group, role: "ingress", ing.metadata, &names)
        namespaceMeta(&group, ing.metadata.namespace, lookup, &names)
        let tlsHosts = (ing.spec?.tls ?? []).flatMap { $0.hosts ?? [] }
        var out: [Target] = []
        for rule in ing.spec?.rules ?? [] {
            let host = rule.host ?? ""
            let https = tlsHosts.contains { matchesHostnamePattern($0, host) }
            let paths = rule.http.map { ($0.paths ?? []).map { p in (p.path ?? "").isEmpty ? "/" : p.path! } } ?? ["/"]
            for path in paths {
                var t = group
                set(&t, Name.address, host)
                t["__meta_kubernetes_ingress_scheme"] = https ? "https" : "http"
                set(&t, "__meta_kubernetes_ingress_host", host)
                t["__meta_kubernetes_ingress_path"] = path
                out.append(t)
            }
        }
        return out
    }

    /// Equal, or a wildcard pattern (`*.example.com`) with the same number of labels.
    static func matchesHostnamePattern(_ pattern: String, _ host: String) -> Bool {
        if pattern == host { return true }
        let p = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let h = host.split(separator: ".", omittingEmptySubsequences: false)
        guard p.first == "*", p.count == h.count else { return false }
        return zip(p.dropFirst(), h.dropFirst()).allSatisfy { $0 == $1 }
    }
}
