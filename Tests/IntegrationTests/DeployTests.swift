import Foundation
import Testing
import Yams

/// deploy/kubernetes renders with kustomize into manifests that pass the Kubernetes schemas, and carries the tested
/// example as the agent's configuration.
@Suite struct DeployTests {
    func render() throws -> String {
        let kubectl = try #require(which("kubectl"), "kubectl (with its built-in kustomize) is needed to render deploy/kubernetes")
        let (status, out, err) = try runProcess(kubectl, ["kustomize", "deploy/kubernetes"])
        #expect(status == 0, "\(err)")
        return out
    }

    /// `kubernetes-validate --strict` on `yaml`: (status, output).
    func validate(_ yaml: String) throws -> (Int32, String) {
        let tool = try #require(which("kubernetes-validate"), "kubernetes-validate (PyPI) is installed by scripts/deps.sh")
        let file = temporaryDirectory().appendingPathComponent("rendered.yaml")
        try Data(yaml.utf8).write(to: file)
        let (status, out, err) = try runProcess(tool, ["--strict", file.path])
        return (status, out + err)
    }

    @Test func kustomizeOutputPassesTheKubernetesSchemas() throws {
        let yaml = try render()
        let (status, report) = try validate(yaml)
        #expect(status == 0, "\(report)")
        for kind in ["namespace/monitoring", "serviceaccount/tributary", "clusterrole/tributary", "clusterrolebinding/tributary",
                     "service/tributary", "daemonset/tributary"] {
            #expect(report.contains("passed for resource \(kind) "), "\(kind): \(report)")
        }
        // The check can fail: a misspelt field is refused.
        let broken = yaml.replacingOccurrences(of: "readOnlyRootFilesystem: true", with: "readOnlyRootFilesystm: true")
        #expect(broken != yaml)
        let (brokenStatus, brokenReport) = try validate(broken)
        #expect(brokenStatus != 0, "\(brokenReport)")
    }

    @Test func theConfigMapIsTheTestedExample() throws {
        let documents = try Yams.load_all(yaml: try render()).compactMap { $0 as? [String: Any] }
        func resource(_ kind: String) -> [String: Any]? { documents.first { $0["kind"] as? String == kind } }
        let configMap = try #require(resource("ConfigMap"))
        let example = try String(contentsOf: Repo.root.appendingPathComponent("examples/kubernetes.alloy"), encoding: .utf8)
        #expect((configMap["data"] as? [String: String])?["config.alloy"] == example)
        // The DaemonSet mounts that ConfigMap (its name carries a hash of the content) and the host's logs.
        let name = try #require((configMap["metadata"] as? [String: Any])?["name"] as? String)
        #expect(name.hasPrefix("tributary-"))
        let spec = try #require(((resource("DaemonSet")?["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])
        let volumes = try #require(spec["volumes"] as? [[String: Any]])
        #expect(volumes.contains { ($0["configMap"] as? [String: Any])?["name"] as? String == name })
        let hostPaths = volumes.compactMap { ($0["hostPath"] as? [String: Any])?["path"] as? String }
        #expect(Set(hostPaths) == ["/var/log/pods", "/var/log/journal", "/run/log/journal", "/etc/machine-id", "/var/lib/tributary"])
        let (status, _, err) = try Agent.runToEnd(["validate", "deploy/kubernetes/config.alloy"])
        #expect(status == 0, "\(err)")
    }
}
