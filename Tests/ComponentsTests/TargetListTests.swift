import Foundation
import Components
import LogCore
import Syntax
import Testing
@testable import Evaluation
@testable import Runtime

/// Targets exported as a compact `.mapList` must behave in every expression exactly as the array of objects they
/// stand for, while a plain reference hands the very same list to the next component.
@Suite struct TargetListTests {
    let list = TargetList([LabelSet(["__path__": "/a.log", "job": "x"]), LabelSet(["__path__": "/b.log", "job": "y"])])
    var scope: [String: Value] { ["d": .object(["targets": list.value])] }
    var plain: Value {
        .array([.object(["__path__": .string("/a.log"), "job": .string("x")]),
                .object(["__path__": .string("/b.log"), "job": .string("y")])])
    }

    @Test func referenceKeepsTheCompactList() throws {
        let v = try Evaluator.evaluate("d.targets", scope: scope)
        guard case .mapList(let l as TargetList) = v else { Issue.record("expected a mapList, got \(v.typeName)"); return }
        #expect(l == list)
        #expect(try TargetList.decode(try Evaluator.evaluate("(d.targets)", scope: scope)) == list)
        #expect(v.typeName == "array")
    }

    @Test func expressionsSeeTheArrayOfObjects() throws {
        #expect(try Evaluator.evaluate("d.targets[1].job", scope: scope).rendered == "\"y\"")
        #expect(try Evaluator.evaluate("d.targets[0][\"__path__\"]", scope: scope).rendered == "\"/a.log\"")
        #expect(try Evaluator.evaluate("d.targets == [{\"__path__\" = \"/a.log\", job = \"x\"}, {job = \"y\", \"__path__\" = \"/b.log\"}]", scope: scope).rendered == "true")
        #expect(try Evaluator.evaluate("d.targets != [{job = \"x\"}]", scope: scope).rendered == "true")
        let joined = try Evaluator.evaluate("array.concat(d.targets, [{job = \"z\"}])", scope: scope)
        #expect(joined.expanded.rendered.components(separatedBy: "job").count == 4)
        #expect(try Evaluator.evaluate("array.concat(d.targets, [{job = \"z\"}])[1]", scope: scope).equals(.object(["__path__": .string("/b.log"), "job": .string("y")])))
        #expect(try Evaluator.evaluate("[d.targets][0]", scope: scope).equals(plain))
        #expect(try Evaluator.evaluate("{t = d.targets}.t", scope: scope).equals(plain))
        #expect(list.value.equals(plain) && plain.equals(list.value))
        #expect(list.value.rendered == plain.rendered)
        #expect(!TargetList([]).value.equals(plain))
    }

    @Test func decodesFromEveryShape() throws {
        #expect(try [[String: String]].decode(list.value) == [["__path__": "/a.log", "job": "x"], ["__path__": "/b.log", "job": "y"]])
        #expect(try TargetList.decode(plain) == list)
        // An empty value is an absent label, as in Prometheus' label sets.
        let written = try TargetList.decode(try Evaluator.evaluate("[{job = \"x\", empty = \"\"}]"))
        #expect(written.targets == [LabelSet(["job": "x"])])
        #expect(try TargetList.decode(.null) == TargetList([]))
        #expect(throws: ValueError.self) { try TargetList.decode(.string("x")) }
    }
}

/// discovery.relabel reuses the result of a target that is the same label set as in the last round, and only then.
@Suite struct DiscoveryRelabelReuseTests {
    func relabel(_ rules: String, _ targets: String) throws -> (ComponentNode, any Sendable) {
        let (g, diags) = load("discovery.relabel \"r\" {\n\ttargets = \(targets)\n\(rules)}\n")
        #expect(diags.isEmpty)
        let node = try #require(g?.nodes.first)
        let (args, d) = Controller.decodeArguments(node, scope: [:], allowExperimental: false)
        #expect(!d.hasErrors)
        return (node, args)
    }

    func output(_ c: any Component) throws -> [LabelSet] {
        guard case .mapList(let l as TargetList)? = c.exports["output"] else { throw ValueError("no output") }
        return l.targets
    }

    @Test func unchangedTargetsKeepTheirResultsUntilTheRulesChange() async throws {
        let upper = "\trule {\n\t\tsource_labels = [\"job\"]\n\t\ttarget_label = \"team\"\n\t\taction = \"uppercase\"\n\t}\n"
        let lower = "\trule {\n\t\tsource_labels = [\"job\"]\n\t\ttarget_label = \"team\"\n\t\taction = \"lowercase\"\n\t}\n"
        let (node, args) = try relabel(upper, "[{job = \"Api\"}, {job = \"Db\"}]")
        let options = ComponentOptions(id: "discovery.relabel.r", dataPath: "/tmp") { _ in }
        let c = try await node.registration.build(options, args)
        let first = try output(c)
        #expect(first.map { $0["team"] } == ["API", "DB"])

        // The same label sets again: the very same results come back.
        try await c.update(args)
        let again = try output(c)
        #expect(again == first)
        #expect(zip(again, first).allSatisfy { a, b in
            a.labels.withUnsafeBufferPointer { x in b.labels.withUnsafeBufferPointer { x.baseAddress == $0.baseAddress } }
        })

        // Other rules over the same targets: computed anew.
        let (_, lowered) = try relabel(lower, "[{job = \"Api\"}, {job = \"Db\"}]")
        try await c.update(lowered)
        #expect(try output(c).map { $0["team"] } == ["api", "db"])
    }
}
