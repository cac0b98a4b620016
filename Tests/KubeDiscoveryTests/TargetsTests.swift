import Foundation
import Testing
@testable import KubeDiscovery

/// Targets built from real-shaped API documents, compared with what `Fixtures/expected-targets.py` (an
/// independent implementation of alloy-components.md §3.4/§3.5) wrote.
@Suite struct TargetsTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func load<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    static func expected(_ name: String) throws -> [[String: String]] {
        try load(name, as: [[String: String]].self)
    }

    @Test(arguments: ["pod-airflow-scheduler", "pod-node-exporter", "pod-pending-unscheduled", "pod-static-apiserver"])
    func podTargetsMatchTheSpec(_ name: String) throws {
        let pod = try Self.load(name + ".json", as: Pod.self)
        #expect(Targets.pod(pod) == (try Self.expected(name + ".targets.json")))
        let node = try Self.load("node-2.json", as: Node.self)
        let attached = pod.spec?.nodeName == "node-2" ? node : nil
        #expect(Targets.pod(pod, node: attached) == (try Self.expected(name + ".with-node.targets.json")))
    }

    /// Targets in a stable order (the order across objects, and of the extra container-port targets, is Go map
    /// order in Prometheus).
    static func sorted(_ targets: [[String: String]]) throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try targets.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.sorted()
    }

    static var lookup: Targets.Lookup {
        get throws {
            let services = try ["service-loki-gateway", "service-external", "service-lb"].map { try load($0 + ".json", as: Service.self) }
            let pod = try load("pod-loki-gateway.json", as: Pod.self)
            return Targets.Lookup(service: { ns, name in services.first { $0.metadata.namespace == ns && $0.metadata.name == name } },
                                  pod: { ns, name in pod.metadata.namespace == ns && pod.metadata.name == name ? pod : nil })
        }
    }

    @Test(arguments: ["service-loki-gateway", "service-external", "service-lb"])
    func serviceTargetsMatchPrometheus(_ name: String) throws {
        var names = Targets.Names()
        let targets = Targets.service(try Self.load(name + ".json", as: Service.self), names: &names)
        #expect(try Self.sorted(targets) == Self.sorted(try Self.expected(name + ".targets.json")))
    }

    @Test func endpointsTargetsMatchPrometheus() throws {
        var names = Targets.Names()
        let targets = Targets.endpoints(try Self.load("endpoints-loki-gateway.json", as: Endpoints.self), lookup: try Self.lookup, names: &names)
        #expect(try Self.sorted(targets) == Self.sorted(try Self.expected("endpoints-loki-gateway.targets.json")))
        #expect(targets.count == 6, "2 ports × (ready + not ready), a non-pod address, the pod's uncovered port")
        #expect(targets.first?["__meta_kubernetes_service_label_app_kubernetes_io_component"] == "gateway")
        #expect(targets.first?["__meta_kubernetes_pod_container_name"] == "nginx")
    }

    @Test(arguments: ["endpointslice-loki-gateway", "endpointslice-grafana-ipv6"])
    func endpointSliceTargetsMatchPrometheus(_ name: String) throws {
        var names = Targets.Names()
        let targets = Targets.endpointSlice(try Self.load(name + ".json", as: EndpointSlice.self), lookup: try Self.lookup, names: &names)
        #expect(try Self.sorted(targets) == Self.sorted(try Self.expected(name + ".targets.json")))
    }

    @Test func ingressTargetsMatchPrometheus() throws {
        var names = Targets.Names()
        let targets = Targets.ingress(try Self.load("ingress-grafana.json", as: Ingress.self), names: &names)
        #expect(try Self.sorted(targets) == Self.sorted(try Self.expected("ingress-grafana.targets.json")))
        #expect(targets.map { $0["__meta_kubernetes_ingress_scheme"]! } == ["https", "https", "http", "http"], "*.home.lan covers one label only")
    }

    @Test func podShapes() throws {
        let airflow = Targets.pod(try Self.load("pod-airflow-scheduler.json", as: Pod.self))
        #expect(airflow.count == 3, "one port target, one port-less container, one init container")
        #expect(airflow.map { $0["__meta_kubernetes_pod_container_init"]! } == ["false", "false", "true"])
        let exporter = Targets.pod(try Self.load("pod-node-exporter.json", as: Pod.self))
        #expect(exporter.map { $0["__address__"]! } == ["[fd00:10:42::1c]:9100", "[fd00:10:42::1c]:9101"], "IPv6 bracketed, one per port")
        #expect(exporter[0]["__meta_kubernetes_pod_container_id"] == nil, "not started yet: no container id")
        #expect(exporter[0]["__meta_kubernetes_pod_ready"] == "false")
        #expect(exporter[1]["__meta_kubernetes_pod_container_port_name"] == nil && exporter[1]["__meta_kubernetes_pod_container_port_protocol"] == "UDP")
        #expect(exporter[0]["__meta_kubernetes_pod_annotationpresent_empty_example_com_flag"] == "true")
        #expect(exporter[0]["__meta_kubernetes_pod_annotation_empty_example_com_flag"] == nil, "empty value = absent label")
        #expect(Targets.pod(try Self.load("pod-pending-unscheduled.json", as: Pod.self)).isEmpty, "no pod IP, no targets")
        let mirror = Targets.pod(try Self.load("pod-static-apiserver.json", as: Pod.self))
        #expect(mirror[0]["__meta_kubernetes_pod_controller_kind"] == "Node")
        #expect(mirror[0]["__meta_kubernetes_pod_annotation_kubernetes_io_config_hash"] == "c8f3a1e59b2d4c7f8e6a0b1d2c3e4f50")
    }

    @Test func nodeTarget() throws {
        let node = try Self.load("node-2.json", as: Node.self)
        let t = try #require(Targets.node(node))
        #expect([t] == (try Self.expected("node-2.targets.json")))
        #expect(t["__address__"] == "10.0.0.12:10250", "first InternalIP wins over Hostname")
    }

    @Test func sanitizingIsOneUnderscorePerCharacter() {
        #expect(Targets.sanitize("app.kubernetes.io/name") == "app_kubernetes_io_name")
        #expect(Targets.sanitize("größe") == "gr__e")
        #expect(Targets.sanitize("a-b_C9") == "a_b_C9")
        #expect(Targets.sanitize("🙂x") == "_x")
    }
}
