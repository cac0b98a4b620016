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

/// The Loki chart values describe the plan's Loki, in the form Loki 3.x accepts.
@Suite struct LokiValuesTests {
    @Test func simpleScalableWithTSDBOnS3AndThirtyDaysOfRetention() throws {
        let text = try String(contentsOf: Repo.root.appendingPathComponent("deploy/loki/values.yaml"), encoding: .utf8)
        let values = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect(values["deploymentMode"] as? String == "SimpleScalable")
        func replicas(_ k: String) -> Int? { (values[k] as? [String: Any])?["replicas"] as? Int }
        #expect([replicas("write"), replicas("read"), replicas("backend"), replicas("gateway")] == [3, 3, 1, 2])
        let loki = try #require(values["loki"] as? [String: Any])
        let schema = try #require(((loki["schemaConfig"] as? [String: Any])?["configs"] as? [[String: Any]])?.last)
        #expect(schema["store"] as? String == "tsdb" && schema["schema"] as? String == "v13" && schema["object_store"] as? String == "s3")
        let s3 = try #require((loki["storage"] as? [String: Any])?["s3"] as? [String: Any])
        #expect(s3["s3ForcePathStyle"] as? Bool == true, "Ceph's RGW wants path-style requests")
        let compactor = try #require(loki["compactor"] as? [String: Any])
        #expect(compactor["retention_enabled"] as? Bool == true)
        #expect(compactor["delete_request_store"] as? String == "s3", "Loki 3.x refuses retention without a delete request store")
        let limits = try #require(loki["limits_config"] as? [String: Any])
        #expect(limits["retention_period"] as? String == "720h")
        #expect(limits["enforce_metric_name"] == nil, "removed in Loki 3.x")
        #expect(limits["allow_structured_metadata"] as? Bool == true, "the audit and Airflow examples send structured metadata")
    }
}
