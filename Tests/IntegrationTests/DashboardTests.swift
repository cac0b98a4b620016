import Foundation
import Testing

/// deploy/grafana: the dashboards parse, render into ConfigMaps that pass the Kubernetes schemas, and every PromQL
/// query passes promtool.
@Suite struct DashboardTests {
    struct Query {
        var dashboard: String
        var panel: String
        var datasource: String
        var expr: String
    }

    func dashboards() throws -> [(name: String, json: [String: Any])] {
        let dir = Repo.root.appendingPathComponent("deploy/grafana/dashboards")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted().map { name in
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            return (name, try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(name) is not a JSON object"))
        }
    }

    func queries() throws -> [Query] {
        var out: [Query] = []
        for (name, json) in try dashboards() {
            for panel in json["panels"] as? [[String: Any]] ?? [] {
                let title = panel["title"] as? String ?? ""
                let type = (panel["datasource"] as? [String: Any])?["type"] as? String ?? ""
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    out.append(Query(dashboard: name, panel: title, datasource: type, expr: target["expr"] as? String ?? ""))
                }
            }
        }
        return out
    }

    @Test func theFiveDashboardsAreComplete() throws {
        let boards = try dashboards()
        #expect(boards.map(\.name) == ["loki-log-volume.json", "loki-operational.json", "loki-query-performance.json", "loki-resources.json", "tributary.json"])
        var uids = Set<String>()
        for (name, json) in boards {
            let uid = try #require(json["uid"] as? String, "\(name) has no uid")
            #expect(uids.insert(uid).inserted, "\(name): uid \(uid) is used twice")
            #expect((json["title"] as? String)?.isEmpty == false, "\(name) has no title")
            #expect((json["panels"] as? [[String: Any]])?.count ?? 0 >= 4, "\(name) has too few panels")
        }
        for q in try queries() {
            #expect(!q.expr.isEmpty, "\(q.dashboard) / \(q.panel): empty query")
            #expect(["prometheus", "loki"].contains(q.datasource), "\(q.dashboard) / \(q.panel): data source \(q.datasource)")
        }
    }

    @Test func everyPromQLQueryPassesPromtool() throws {
        let promtool = try #require(which("promtool"), "promtool (Debian's prometheus package) is installed by scripts/deps.sh")
        let promQL = try queries().filter { $0.datasource == "prometheus" }
        #expect(promQL.count >= 20)
        // Grafana's interval variables become durations; each query becomes a recording rule promtool parses.
        var rules = "groups:\n  - name: dashboards\n    rules:\n"
        for (i, q) in promQL.enumerated() {
            let expr = q.expr.replacingOccurrences(of: "$__rate_interval", with: "5m").replacingOccurrences(of: "$__interval", with: "1m")
            rules += "      - record: dashboard:query_\(i)\n        expr: '\(expr.replacingOccurrences(of: "'", with: "''"))'\n"
        }
        let file = temporaryDirectory().appendingPathComponent("dashboard-queries.yaml")
        try rules.write(to: file, atomically: true, encoding: .utf8)
        let (status, out, err) = try runProcess(promtool, ["check", "rules", file.path])
        #expect(status == 0, "\(out)\(err)")
        #expect(out.contains("SUCCESS: \(promQL.count) rules found"), "\(out)")
    }

    @Test func logQLQueriesSelectStreamsOfThisPipeline() throws {
        // No Loki binary here to parse LogQL; check what can be checked: a stream selector, balanced brackets, and
        // labels this pipeline sets.
        let logQL = try queries().filter { $0.datasource == "loki" }
        #expect(logQL.count >= 6)
        for q in logQL {
            #expect(q.expr.contains("{") && q.expr.contains("}"), "\(q.panel): no stream selector")
            for (open, close) in [("(", ")"), ("{", "}"), ("[", "]")] {
                #expect(q.expr.filter { String($0) == open }.count == q.expr.filter { String($0) == close }.count, "\(q.panel): unbalanced \(open)\(close)")
            }
            let labels = ["namespace", "pod", "job", "unit", "level"]
            #expect(labels.contains { q.expr.contains($0) }, "\(q.panel): uses none of the pipeline's labels")
        }
    }

    @Test func kustomizeRendersDashboardsAndDataSourceAsValidConfigMaps() throws {
        let kubectl = try #require(which("kubectl"))
        let validate = try #require(which("kubernetes-validate"))
        let (status, yaml, err) = try runProcess(kubectl, ["kustomize", "deploy/grafana"])
        #expect(status == 0, "\(err)")
        #expect(yaml.contains("grafana_dashboard: \"1\"") && yaml.contains("grafana_datasource: \"1\""))
        for name in ["loki-operational", "loki-resources", "loki-log-volume", "loki-query-performance", "tributary"] {
            #expect(yaml.contains("  \(name).json: "), "\(name) is not in the ConfigMap")
        }
        let file = temporaryDirectory().appendingPathComponent("grafana.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let (valid, report, reportErr) = try runProcess(validate, ["--strict", file.path])
        #expect(valid == 0, "\(report)\(reportErr)")
    }
}
