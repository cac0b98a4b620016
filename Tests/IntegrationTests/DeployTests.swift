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

/// The alert rules of deploy/alerts/ pass promtool, and fire at the plan's thresholds (promtool's rule unit tests).
@Suite struct AlertRulesTests {
    /// The `groups:` of a PrometheusRule manifest, as a Prometheus rules file.
    func rulesFile(_ manifest: String) throws -> String {
        let lines = manifest.split(separator: "\n", omittingEmptySubsequences: false)
        let spec = try #require(lines.firstIndex(of: "spec:"))
        return lines[(spec + 1)...].map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : String($0) }.joined(separator: "\n")
    }

    @Test func rulesPassPromtoolAndFireAtThePlansThresholds() throws {
        let promtool = try #require(which("promtool"), "promtool (Debian's prometheus package) is installed by scripts/deps.sh")
        let dir = temporaryDirectory()
        for name in ["loki", "tributary"] {
            let manifest = try String(contentsOf: Repo.root.appendingPathComponent("deploy/alerts/\(name).yaml"), encoding: .utf8)
            try rulesFile(manifest).write(to: dir.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let (checked, checkOut, checkErr) = try runProcess(promtool, ["check", "rules", dir.appendingPathComponent("loki.yaml").path,
                                                                      dir.appendingPathComponent("tributary.yaml").path])
        #expect(checked == 0, "\(checkOut)\(checkErr)")
        #expect(checkOut.contains("SUCCESS: 12 rules found") && checkOut.contains("SUCCESS: 9 rules found"), "\(checkOut)")

        // 24 MB a minute is 1.44 GB an hour: over the warning threshold, under the critical one; 3 % of requests
        // failing: a warning; a journal that stays unreadable: the agent's alert.
        let tests = """
        rule_files: [loki.yaml, tributary.yaml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'loki_distributor_bytes_received_total{tenant="fake"}'
                values: '0+24000000x60'
              - series: 'loki_request_duration_seconds_count{route="loki_api_v1_push", status_code="500"}'
                values: '0+3x60'
              - series: 'loki_request_duration_seconds_count{route="loki_api_v1_push", status_code="204"}'
                values: '0+97x60'
              - series: 'tributary_source_journal_open{component_id="loki.source.journal.system", component_path="/", instance="node-1"}'
                values: '0x60'
            alert_rule_test:
              - eval_time: 40m
                alertname: LokiIngestionRateHigh
                exp_alerts:
                  - exp_labels: {severity: warning}
                    exp_annotations: {summary: "Loki ingests 1.44GB an hour (more than 1 GB/h): a noisy producer, or a backfill"}
              - eval_time: 40m
                alertname: LokiIngestionRateCritical
                exp_alerts: []
              - eval_time: 40m
                alertname: LokiErrorRateHigh
                exp_alerts:
                  - exp_labels: {severity: warning}
                    exp_annotations: {summary: "3% of Loki's requests fail (more than 1 %)"}
              - eval_time: 40m
                alertname: LokiErrorRateCritical
                exp_alerts: []
              - eval_time: 40m
                alertname: TributaryJournalUnreadable
                exp_alerts:
                  - exp_labels: {severity: warning, component_id: loki.source.journal.system, component_path: /, instance: node-1}
                    exp_annotations: {summary: "Tributary on node-1 cannot open the systemd journal: this node's system logs are not collected (see /-/healthy)"}
        """
        let testFile = dir.appendingPathComponent("tests.yaml")
        try tests.write(to: testFile, atomically: true, encoding: .utf8)
        let (tested, testOut, testErr) = try runProcess(promtool, ["test", "rules", testFile.path])
        #expect(tested == 0, "\(testOut)\(testErr)")
        #expect(testOut.contains("SUCCESS"), "\(testOut)")
    }
}

/// The image installs exactly the shared libraries the binary links.
@Suite struct DockerfileTests {
    @Test func runtimePackagesAreTheLinkedLibrariesPackages() throws {
        let readelf = try #require(which("readelf"), "readelf (binutils) lists the binary's libraries")
        let dpkg = try #require(which("dpkg"))
        let (status, dynamic, err) = try runProcess(readelf, ["-d", Repo.binary])
        #expect(status == 0, "\(err)")
        // Direct dependencies, minus the Swift runtime and Foundation (linked statically into the image's release
        // build with --static-swift-stdlib) and the C library and loader (in the base image).
        let swiftRuntime = ["libswift", "libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime"]
        let needed = dynamic.split(separator: "\n").compactMap { line -> String? in
            guard line.contains("(NEEDED)"), let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }.filter { lib in !swiftRuntime.contains { lib.hasPrefix($0) } && !lib.hasPrefix("ld-linux") }
        #expect(needed.contains("libsystemd.so.0") && needed.contains("libre2.so.9"), "\(needed)")
        var packages = Set<String>()
        for lib in needed {
            let (_, owners, _) = try runProcess(dpkg, ["-S", lib])
            let package = owners.split(separator: "\n").first { $0.hasSuffix("/" + lib) }.map { String($0.split(separator: ":")[0]) }
            packages.insert(try #require(package, "no Debian package owns \(lib): \(owners)"))
        }
        packages.remove("libc6")
        let dockerfile = try String(contentsOf: Repo.root.appendingPathComponent("deploy/Dockerfile"), encoding: .utf8)
        let runtimeStage = try #require(dockerfile.components(separatedBy: "FROM debian:bookworm-slim").last)
        let install = try #require(runtimeStage.range(of: "--no-install-recommends"))
        let words = runtimeStage[install.upperBound...].prefix { $0 != "&" }.split(whereSeparator: { " \\\n".contains($0) }).map(String.init)
        #expect(Set(words) == packages.union(["ca-certificates", "tzdata"]), "image: \(words.sorted()), binary: \(packages.sorted())")
    }
}
