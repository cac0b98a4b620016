import Foundation
import Testing

/// The deployment files stay in step with the tested example.
@Suite struct DeployTests {
    @Test func configMapCarriesTheExampleVerbatimAndItValidates() throws {
        let example = try String(contentsOf: Repo.root.appendingPathComponent("examples/kubernetes.alloy"), encoding: .utf8)
        let configMap = try String(contentsOf: Repo.root.appendingPathComponent("deploy/configmap.yaml"), encoding: .utf8)
        guard let start = configMap.range(of: "  config.alloy: |\n") else {
            Issue.record("deploy/configmap.yaml has no config.alloy block")
            return
        }
        // The block scalar: every following line, four spaces of indentation removed.
        let embedded = configMap[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : String($0) }
            .joined(separator: "\n")
        #expect(embedded.trimmingCharacters(in: .newlines) == example.trimmingCharacters(in: .newlines))
        let (status, _, err) = try Agent.runToEnd(["validate", Repo.root.appendingPathComponent("examples/kubernetes.alloy").path])
        #expect(status == 0, "\(err)")
    }
}
