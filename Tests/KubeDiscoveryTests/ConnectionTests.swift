import FakeKubeAPI
import Foundation
import TestTLS
import HTTPClientSupport
import Logging
import Testing
@testable import KubeDiscovery

/// How discovery finds and authenticates to the API server: kubeconfig files and the in-cluster service account.
@Suite(.serialized) struct ConnectionTests {
    func kubeconfig(server: String, caData: String, user: String, extraUsers: String = "") -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: homelab
          cluster:
            server: \(server)/
            certificate-authority-data: \(caData)
        contexts:
        - name: admin@homelab
          context:
            cluster: homelab
            user: \(user)
            namespace: default
        current-context: admin@homelab
        users:
        - name: tributary
          user:
            token: token-1
        - name: from-file
          user:
            tokenFile: token.txt
        - name: plugin
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: aws
              args: [eks, get-token]
        \(extraUsers)
        """
    }

    @Test func kubeconfigWithEmbeddedCAAndToken() async throws {
        let pki = try TestCertificates()
        let api = try FakeKubeAPI(token: "token-1", certificatePEM: pki.certificatePEM, keyPEM: pki.keyPEM)
        try api.start()
        api.put(podDocument("default", "a"))
        let caData = Data(try String(contentsOfFile: pki.caFile, encoding: .utf8).utf8).base64EncodedString()
        let path = pki.directory + "/kubeconfig"
        try kubeconfig(server: api.url, caData: caData, user: "tributary").write(toFile: path, atomically: true, encoding: .utf8)
        let (base, settings) = try ConnectionConfig.kubeconfig(path: path).resolve()
        #expect(base == api.url, "trailing slash dropped")
        #expect(settings.auth == .bearer("token-1"))
        #expect(settings.tls?.caPEM?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)

        var config = DiscoveryConfig(role: .pod, connection: .kubeconfig(path: path))
        config.publishInterval = .milliseconds(20)
        let published = Published()
        let discovery = KubernetesDiscovery(config: config, componentID: "discovery.kubernetes.test", logger: Logger(label: "test")) { published.record($0) }
        let task = Task { await discovery.run() }
        #expect(await published.wait { $0.count == 1 }, "listed through the kubeconfig's cluster and user")
        task.cancel()
        await task.value
        api.shutdown()

        // tokenFile is relative to the kubeconfig's directory; exec plugins are refused with the reason.
        try kubeconfig(server: api.url, caData: caData, user: "from-file").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ConnectionConfig.kubeconfig(path: path).resolve().settings.auth == .bearerFile(pki.directory + "/token.txt"))
        try kubeconfig(server: api.url, caData: caData, user: "plugin").write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try ConnectionConfig.kubeconfig(path: path).resolve() } throws: { "\($0)".contains("exec or auth-provider plugin") }
        try kubeconfig(server: api.url, caData: caData, user: "nobody").write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try ConnectionConfig.kubeconfig(path: path).resolve() } throws: { "\($0)".contains("user \"nobody\"") }
        #expect { try ConnectionConfig.kubeconfig(path: pki.directory + "/missing").resolve() } throws: { "\($0)".contains("cannot read kubeconfig_file") }
    }

    @Test func inClusterUsesTheServiceAccount() throws {
        let dir = temporaryDirectory("sa")
        setenv("TRIBUTARY_SERVICEACCOUNT_DIR", dir, 1)
        setenv("KUBERNETES_SERVICE_HOST", "10.43.0.1", 1)
        setenv("KUBERNETES_SERVICE_PORT", "443", 1)
        defer {
            unsetenv("TRIBUTARY_SERVICEACCOUNT_DIR")
            unsetenv("KUBERNETES_SERVICE_HOST")
            unsetenv("KUBERNETES_SERVICE_PORT")
        }
        let (base, settings) = try ConnectionConfig.inCluster.resolve()
        #expect(base == "https://10.43.0.1:443")
        #expect(settings.auth == .bearerFile(dir + "/token"), "the projected token is re-read for every request")
        #expect(settings.tls?.caFile == dir + "/ca.crt")
        unsetenv("KUBERNETES_SERVICE_HOST")
        #expect { try ConnectionConfig.inCluster.resolve() } throws: { "\($0)".contains("KUBERNETES_SERVICE_HOST") }
    }
}
