import FakeKubeAPI
import LoopbackServers
import Foundation
import TestTLS
import HTTPClientSupport
import Logging
import Testing
@testable import KubeDiscovery

/// discovery.kubernetes against the fake API server over TLS with a bearer token: list, watch events, bookmarks,
/// 410 Gone, dropped connections, 403 and a rotated token.
@Suite(.serialized) struct WatchTests {
    struct Setup {
        let pki: TestCertificates
        let api: FakeKubeAPI
        let tokenFile: String
        let published = Published()
        let discovery: KubernetesDiscovery
        let task: Task<Void, Never>

        init(selectors: [DiscoveryConfig.Selector] = [.init(role: "pod", label: nil, field: "spec.nodeName=node-2")],
             namespaces: [String] = [], attachNode: Bool = false, role: DiscoveryConfig.Role = .pod,
             proxyURL: String? = nil, oauth2: OAuth2Settings? = nil) throws {
            pki = try TestCertificates()
            api = try FakeKubeAPI(token: "token-1", certificatePEM: pki.certificatePEM, keyPEM: pki.keyPEM)
            try api.start()
            tokenFile = pki.directory + "/token"
            try "token-1\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            var settings = HTTPClientSettings()
            settings.auth = oauth2.map { .oauth2($0) } ?? .bearerFile(tokenFile)
            settings.proxy.url = proxyURL
            var tls = TLSSettings()
            tls.caFile = pki.caFile
            settings.tls = tls
            var config = DiscoveryConfig(role: role, connection: .apiServer(url: api.url, settings: settings))
            config.selectors = selectors
            config.namespaces = namespaces
            config.attachNode = attachNode
            config.publishInterval = .milliseconds(20)
            let published = self.published
            discovery = KubernetesDiscovery(config: config, componentID: "discovery.kubernetes.test", logger: Logger(label: "test")) { published.record($0) }
            let d = discovery
            task = Task { await d.run() }
        }

        func stop() async {
            task.cancel()
            await task.value
            api.shutdown()
        }
    }

    @Test func throughACONNECTProxyWithAnOAuth2Token() async throws {
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        let tokens = try OAuth2TokenServer()   // its first token is the one the API server accepts
        defer { tokens.stop() }
        var o = OAuth2Settings()
        o.clientID = "tributary"
        o.clientSecret = "s3cret"
        o.tokenURL = tokens.url
        let s = try Setup(proxyURL: proxy.url, oauth2: o)
        s.api.put(try fixtureDocument("pod-airflow-scheduler.json"))
        #expect(await s.published.wait { $0.count == 3 }, "listed and watched over TLS inside the tunnel")
        #expect(s.api.authorizations.allSatisfy { $0 == "Bearer token-1" } && !s.api.authorizations.isEmpty)
        #expect(proxy.opened.map(\.target).allSatisfy { s.api.url.hasSuffix($0) })
        #expect(tokens.issued == 1)
        await s.stop()
    }

    /// Role endpoints watches endpoints, services and pods: a change to any of them changes the targets.
    @Test func endpointsFollowTheirServiceAndPods() async throws {
        let s = try Setup(selectors: [], role: .endpoints)
        s.api.put(try fixtureDocument("endpoints-loki-gateway.json"))
        #expect(await s.published.wait { $0.count == 5 }, "without the pod: 4 address targets and the non-pod one")
        #expect(s.published.targets.allSatisfy { $0["__meta_kubernetes_service_name"] == nil })
        s.api.put(try fixtureDocument("service-loki-gateway.json"))
        #expect(await s.published.wait { $0.allSatisfy { $0["__meta_kubernetes_service_name"] == "loki-gateway" } })
        s.api.put(try fixtureDocument("pod-loki-gateway.json"))
        #expect(await s.published.wait { $0.count == 6 && $0.contains { $0["__meta_kubernetes_pod_container_port_number"] == "8081" } },
                "the pod's labels, and its container port no endpoint covers")
        var pod = try fixtureDocument("pod-loki-gateway.json")
        var meta = pod["metadata"] as! [String: Any]
        meta["labels"] = ["app.kubernetes.io/component": "gateway", "canary": "yes"]
        pod["metadata"] = meta
        s.api.put(pod)
        #expect(await s.published.wait { $0.filter { $0["__meta_kubernetes_pod_label_canary"] == "yes" }.count == 3 })
        s.api.delete(kind: "Endpoints", namespace: "logging", name: "loki-gateway")
        #expect(await s.published.wait { $0.isEmpty })
        #expect(s.api.requests.contains { $0.hasPrefix("GET /api/v1/endpoints?") })
        #expect(s.api.requests.contains { $0.hasPrefix("GET /api/v1/services?") })
        await s.stop()
    }

    @Test func endpointSlicesAndIngressesComeFromTheirAPIGroups() async throws {
        let slices = try Setup(selectors: [], namespaces: ["logging"], role: .endpointslice)
        slices.api.put(try fixtureDocument("service-loki-gateway.json"))
        slices.api.put(try fixtureDocument("endpointslice-loki-gateway.json"))
        #expect(await slices.published.wait { $0.count == 4 && $0.allSatisfy { $0["__meta_kubernetes_service_name"] == "loki-gateway" } })
        #expect(slices.api.requests.contains { $0.hasPrefix("GET /apis/discovery.k8s.io/v1/namespaces/logging/endpointslices?") })
        await slices.stop()
        let ingresses = try Setup(selectors: [], role: .ingress)
        ingresses.api.put(try fixtureDocument("ingress-grafana.json"))
        #expect(await ingresses.published.wait { $0.count == 4 })
        #expect(ingresses.api.requests.contains { $0.hasPrefix("GET /apis/networking.k8s.io/v1/ingresses?") })
        await ingresses.stop()
    }

    @Test func listThenWatchAddedModifiedDeleted() async throws {
        let s = try Setup()
        s.api.put(try fixtureDocument("pod-airflow-scheduler.json"))
        s.api.put(podDocument("airflow", "elsewhere", node: "node-3"))
        #expect(await s.published.wait { $0.count == 3 }, "the node's pod listed over TLS (3 targets), the other node's filtered out")
        #expect(s.published.podNames == ["airflow-scheduler-7cz27m26c-bzm62"])
        #expect(s.api.requests.first?.contains("fieldSelector=spec.nodeName%3Dnode-2") == true)
        #expect(s.api.authorizations.allSatisfy { $0 == "Bearer token-1" })

        s.api.put(podDocument("airflow", "worker-0", labels: ["app": "worker"]))
        #expect(await s.published.wait { Set($0.compactMap { $0["__meta_kubernetes_pod_name"] }).contains("worker-0") }, "ADDED")
        s.api.put(podDocument("airflow", "worker-0", labels: ["app": "worker", "version": "2"]))
        #expect(await s.published.wait { $0.contains { $0["__meta_kubernetes_pod_label_version"] == "2" } }, "MODIFIED")
        s.api.delete(kind: "Pod", namespace: "airflow", name: "worker-0")
        #expect(await s.published.wait { !Set($0.compactMap { $0["__meta_kubernetes_pod_name"] }).contains("worker-0") }, "DELETED")
        #expect(s.api.requests.filter { !$0.contains("watch=1") }.count == 1, "one list, then only watches")
        await s.stop()
    }

    @Test func bookmarksAdvanceTheVersionAndReconnectsResumeWithoutRelisting() async throws {
        let s = try Setup()
        s.api.put(podDocument("default", "a"))
        #expect(await s.published.wait { $0.count == 1 })
        #expect(await eventually { s.api.watchCount == 1 })
        s.api.put(podDocument("other-team", "unrelated", node: "node-9"))  // not this node: only moves the version
        s.api.bookmark()
        let bookmarked = s.api.resourceVersion
        try await Task.sleep(for: .milliseconds(200))
        s.api.closeWatches()  // the server drops the stream
        #expect(await eventually { s.api.requests.contains { $0.contains("watch=1") && $0.contains("resourceVersion=\(bookmarked)") } },
                "the new watch starts from the bookmarked version")
        s.api.put(podDocument("default", "b"))
        #expect(await s.published.wait { $0.count == 2 })
        #expect(s.api.requests.filter { !$0.contains("watch=1") }.count == 1, "no relist after a dropped connection")
        await s.stop()
    }

    @Test func goneMidWatchRelists() async throws {
        let s = try Setup()
        s.api.put(podDocument("default", "a"))
        #expect(await s.published.wait { $0.count == 1 })
        #expect(await eventually { s.api.watchCount == 1 })
        // While nobody watches, "b" appears and "a" goes; then the history is compacted and the watch gets ERROR 410.
        s.api.delete(kind: "Pod", namespace: "default", name: "a")
        s.api.put(podDocument("default", "b"))
        s.api.compact(notifyWatchers: true)
        #expect(await s.published.wait { Set($0.compactMap { $0["__meta_kubernetes_pod_name"] }) == ["b"] })
        #expect(s.api.requests.filter { !$0.contains("watch=1") }.count >= 2, "listed again after the ERROR 410 event")
        // A reconnect whose version was compacted away meanwhile is answered 410 Gone itself: list again.
        #expect(await eventually { s.api.watchCount == 1 })
        let lists = s.api.requests.filter { !$0.contains("watch=1") }.count
        s.api.put(podDocument("default", "c"))
        #expect(await s.published.wait { Set($0.compactMap { $0["__meta_kubernetes_pod_name"] }) == ["b", "c"] })
        s.api.compact(notifyWatchers: false, includingCurrent: true)
        s.api.closeWatches()
        #expect(await eventually { s.api.requests.filter { !$0.contains("watch=1") }.count > lists }, "410 answer → listed again")
        try await Task.sleep(for: .milliseconds(300))
        #expect(s.api.requests.filter { !$0.contains("watch=1") }.count <= lists + 3, "repeated 410s back off instead of relisting in a loop")
        s.api.put(podDocument("default", "d"))
        #expect(await s.published.wait { Set($0.compactMap { $0["__meta_kubernetes_pod_name"] }) == ["b", "c", "d"] })
        await s.stop()
    }

    @Test func forbiddenIsRetriedUntilGranted() async throws {
        let s = try Setup()
        s.api.setForbidden("User \"system:serviceaccount:monitoring:tributary\"")
        s.api.put(podDocument("default", "a"))
        #expect(await eventually { s.api.requests.count >= 2 }, "retried with backoff")
        #expect(s.published.targets.isEmpty)
        s.api.setForbidden(nil)
        #expect(await s.published.wait { $0.count == 1 }, "recovers once RBAC allows it")
        await s.stop()
    }

    /// The component's health follows the API server: unhealthy with the error while lists are refused, healthy
    /// again once one succeeds.
    @Test func healthFollowsTheAPIServer() async throws {
        let s = try Setup()
        s.api.setForbidden("User \"system:serviceaccount:monitoring:tributary\"")
        #expect(await eventually { !s.discovery.health.status.healthy })
        let failing = s.discovery.health.status
        #expect(failing.message.hasPrefix(s.api.url + "/api/v1/pods: "), "\(failing.message)")
        #expect(failing.message.contains("403"), "\(failing.message)")
        s.api.setForbidden(nil)
        #expect(await eventually { s.discovery.health.status.healthy })
        #expect(s.discovery.health.status.since >= failing.since)
        await s.stop()
    }

    @Test func rotatedTokenFileIsUsedForTheNextRequest() async throws {
        let s = try Setup()
        s.api.put(podDocument("default", "a"))
        #expect(await s.published.wait { $0.count == 1 })
        try "token-2\n".write(toFile: s.tokenFile, atomically: true, encoding: .utf8)
        s.api.setToken("token-2")
        s.api.closeWatches()
        s.api.put(podDocument("default", "b"))
        #expect(await s.published.wait { $0.count == 2 }, "the reconnect authenticated with the new token")
        #expect(s.api.authorizations.last == "Bearer token-2")
        await s.stop()
    }

    @Test func attachNodeMetadataAndNodeRole() async throws {
        let s = try Setup(attachNode: true)
        s.api.put(try fixtureDocument("node-2.json"))
        s.api.put(try fixtureDocument("pod-airflow-scheduler.json"))
        let expected = try TargetsTests.expected("pod-airflow-scheduler.with-node.targets.json")
        #expect(await s.published.wait { $0 == expected }, "pod targets carry the node's labels")
        await s.stop()

        let n = try Setup(selectors: [], role: .node)
        n.api.put(try fixtureDocument("node-2.json"))
        let nodeExpected = try TargetsTests.expected("node-2.targets.json")
        #expect(await n.published.wait { $0 == nodeExpected })
        await n.stop()
    }

    @Test func namespacesAreWatchedOneByOne() async throws {
        let s = try Setup(selectors: [], namespaces: ["airflow", "web"])
        s.api.put(podDocument("airflow", "a"))
        s.api.put(podDocument("web", "b"))
        s.api.put(podDocument("kube-system", "c"))
        #expect(await s.published.wait { Set($0.compactMap { $0["__meta_kubernetes_pod_name"] }) == ["a", "b"] })
        #expect(s.api.requests.contains { $0.hasPrefix("GET /api/v1/namespaces/airflow/pods?") })
        #expect(s.api.requests.contains { $0.hasPrefix("GET /api/v1/namespaces/web/pods?") })
        await s.stop()
    }
}
