import RE2
import LogCore
import Testing
@testable import Relabel

@Suite struct RE2Tests {
    @Test func goSyntaxAndGroups() throws {
        let re = try RE2("(?<ns>[a-z-]+)_(?P<pod>[^_]+)_(\\d+)")
        #expect(re.groupCount == 3)
        #expect(re.groupNames == [nil, "ns", "pod", nil])
        #expect(re.firstMatch("x kube-system_coredns_42 y") == ["kube-system_coredns_42", "kube-system", "coredns", "42"])
        #expect(re.matches("nothing here") == false)
    }

    @Test func invalidPatternsExplainThemselves() {
        #expect(throws: RE2.CompileError.self) { try RE2("(unclosed") }
        do { _ = try RE2("a(?=b)") } catch {
            #expect(error.description.contains("a(?=b)"))
        }
    }

    @Test func anchoredMatchesWholeValueOnly() throws {
        let re = try RE2.anchored("foo.*")
        #expect(re.fullMatch("foobar"))
        #expect(!re.fullMatch("xfoobar"))
        #expect(re.fullMatch("foo\nbar"), "(?s): dot matches a line feed")
    }

    @Test func expandFollowsGoRules() throws {
        let re = try RE2("(?P<first>a+)(b+)")
        let g = re.match(UnsafeRawBufferPointer(start: nil, count: 0))
        #expect(g == nil)
        var text = "aabb"
        let groups = text.withUTF8 { re.match(UnsafeRawBufferPointer($0))! }
        #expect(re.expand("$1-${2}-$first-$$-$1_x-${1}_x-$9-$", source: "aabb", groups: groups) == "aa-bb-aa-$--aa_x--$")
    }

    @Test func allMatchesLikeGo() throws {
        let re = try RE2("a*")
        var s = "baaac"
        let m = s.withUTF8 { re.allMatches(UnsafeRawBufferPointer($0)) }
        #expect(m.map { $0[0]! } == [0..<0, 1..<4, 5..<5])
    }

    @Test func md5() {
        func hex(_ b: [UInt8]) -> String { b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        #expect(hex(MD5.digest([])) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex(MD5.digest(Array("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(hex(MD5.digest(Array(String(repeating: "a", count: 1000).utf8))) == "cabe45dcc9ae5b66ba86600cca6b8ba8")
    }
}

@Suite struct RelabelActionTests {
    let base = LabelSet([
        "__meta_kubernetes_namespace": "airflow", "__meta_kubernetes_pod_name": "worker-0",
        "__meta_kubernetes_pod_uid": "1234-abcd", "__meta_kubernetes_pod_container_name": "base",
        "__meta_kubernetes_pod_label_app_kubernetes_io_name": "airflow", "job": "old",
    ])

    func run(_ rules: [RelabelRule], _ labels: LabelSet? = nil) -> [String: String]? {
        Relabeler.apply(rules, to: labels ?? base)?.dictionary
    }

    @Test func replaceWithDefaults() throws {
        let out = run([try RelabelRule(sourceLabels: ["__meta_kubernetes_namespace"], targetLabel: "namespace")])
        #expect(out?["namespace"] == "airflow")
    }

    @Test func replaceBuildsPathFromUIDAndContainer() throws {
        let out = run([try RelabelRule(sourceLabels: ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"],
                                       separator: "/", targetLabel: "__path__", replacement: "/var/log/pods/*$1/*.log")])
        #expect(out?["__path__"] == "/var/log/pods/*1234-abcd/base/*.log")
    }

    @Test func replaceEdgeCases() throws {
        // Missing source labels count as empty: "(.*)" matches "" and the replacement "" deletes the target.
        #expect(run([try RelabelRule(sourceLabels: ["missing"], targetLabel: "job")])?["job"] == nil)
        // A regex that does not match leaves the target as it was.
        #expect(run([try RelabelRule(sourceLabels: ["__meta_kubernetes_namespace"], regex: "kube-.*", targetLabel: "job", replacement: "x")])?["job"] == "old")
        // Dynamic target label from a group.
        #expect(run([try RelabelRule(sourceLabels: ["__meta_kubernetes_pod_name"], regex: "(.*)-(\\d+)", targetLabel: "ordinal_${2}", replacement: "$1")])?["ordinal_0"] == "worker")
        // A target label that expands to an invalid name is skipped.
        #expect(run([try RelabelRule(sourceLabels: ["__meta_kubernetes_pod_name"], regex: "(.*)", targetLabel: "${1}", replacement: "v")])?["worker-0"] == nil)
    }

    @Test func keepAndDrop() throws {
        #expect(run([try RelabelRule(action: "keep", sourceLabels: ["__meta_kubernetes_namespace"], regex: "airflow|default")]) != nil)
        #expect(run([try RelabelRule(action: "keep", sourceLabels: ["__meta_kubernetes_namespace"], regex: "air")]) == nil, "anchored")
        #expect(run([try RelabelRule(action: "drop", sourceLabels: ["__meta_kubernetes_namespace"], regex: "kube-system")]) != nil)
        #expect(run([try RelabelRule(action: "drop", sourceLabels: ["missing"], regex: "")]) == nil, "missing label is the empty string")
        #expect(run([try RelabelRule(action: "keep")]) != nil, "default regex keeps everything")
    }

    @Test func keepEqualAndDropEqual() throws {
        let l = LabelSet(["a": "x", "b": "x", "c": "y"])
        #expect(run([try RelabelRule(action: "keepequal", sourceLabels: ["a"], targetLabel: "b")], l) != nil)
        #expect(run([try RelabelRule(action: "keepequal", sourceLabels: ["a"], targetLabel: "c")], l) == nil)
        #expect(run([try RelabelRule(action: "dropequal", sourceLabels: ["a"], targetLabel: "b")], l) == nil)
        #expect(throws: RelabelRule.ConfigError.self) { try RelabelRule(action: "keepequal", sourceLabels: ["a"], regex: "x", targetLabel: "b") }
    }

    @Test func hashmodMatchesPrometheus() throws {
        // Prometheus: sum64(md5("airflow")) % 3 — the last 8 bytes of the digest, big-endian.
        let out = run([try RelabelRule(action: "hashmod", sourceLabels: ["__meta_kubernetes_namespace"], modulus: 1000, targetLabel: "shard")])
        let digest = MD5.digest(Array("airflow".utf8))
        var v: UInt64 = 0
        for b in digest[8..<16] { v = v << 8 | UInt64(b) }
        #expect(out?["shard"] == String(v % 1000))
        #expect(throws: RelabelRule.ConfigError.self) { try RelabelRule(action: "hashmod", targetLabel: "x") }
    }

    @Test func labelmapLabeldropLabelkeep() throws {
        let mapped = run([try RelabelRule(action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)")])
        #expect(mapped?["app_kubernetes_io_name"] == "airflow")
        #expect(mapped?["__meta_kubernetes_pod_label_app_kubernetes_io_name"] == "airflow", "the original is kept")
        let dropped = run([try RelabelRule(action: "labeldrop", regex: "__meta_.*")])
        #expect(dropped == ["job": "old"])
        let kept = run([try RelabelRule(action: "labelkeep", regex: "__meta_kubernetes_(namespace|pod_name)")])
        #expect(kept?.keys.sorted() == ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_name"])
        #expect(throws: RelabelRule.ConfigError.self) { try RelabelRule(action: "labeldrop", regex: "x", targetLabel: "y") }
    }

    @Test func lowercaseUppercase() throws {
        let l = LabelSet(["a": "MiXeD"])
        #expect(run([try RelabelRule(action: "lowercase", sourceLabels: ["a"], targetLabel: "lo"),
                     try RelabelRule(action: "uppercase", sourceLabels: ["a"], targetLabel: "up")], l) == ["a": "MiXeD", "lo": "mixed", "up": "MIXED"])
        #expect(throws: RelabelRule.ConfigError.self) { try RelabelRule(action: "lowercase", sourceLabels: ["a"], targetLabel: "b", replacement: "x") }
    }

    @Test func configErrors() {
        #expect(throws: RelabelRule.ConfigError.self) { try RelabelRule(action: "explode") }
        #expect(throws: RelabelRule.ConfigError.self) { try RelabelRule(action: "replace") }
        #expect(throws: RelabelRule.ConfigError.self) { try RelabelRule(regex: "(", targetLabel: "x") }
        #expect(throws: RelabelRule.ConfigError.self) { try RelabelRule(targetLabel: "bad-name") }
    }

    @Test func firstDropStops() throws {
        let rules = [try RelabelRule(action: "drop", sourceLabels: ["job"], regex: "old"),
                     try RelabelRule(sourceLabels: ["job"], targetLabel: "never")]
        #expect(run(rules) == nil)
    }
}
