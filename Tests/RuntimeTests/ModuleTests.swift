import Foundation
import Logging
import Synchronization
import Syntax
import Testing
@testable import Evaluation
@testable import Runtime

/// Exports the value it is given (`test.value "x" { value = 1 }` → `test.value.x.value`).
final class ValueComponent: TypedComponent {
    struct Arguments: ComponentArguments {
        var value: Evaluation.Value
        init(_ d: inout BodyDecoder) { value = d.required("value", as: Evaluation.Value.self) }
    }
    let options: ComponentOptions
    let value: Mutex<Evaluation.Value>
    init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        value = Mutex(arguments.value)
    }
    var exports: [String: Evaluation.Value] { ["value": value.withLock { $0 }] }
    func run() async { await sleepUntilCancelled() }
    func update(arguments: Arguments) async throws {
        value.withLock { $0 = arguments.value }
        options.onStateChange(["value": arguments.value])
    }
}

/// Records the newest value each instance (by its full, module-qualified id) was given, in Alloy syntax, and which
/// instances run.
final class RecorderComponent: TypedComponent {
    struct Arguments: ComponentArguments {
        var value: Evaluation.Value
        init(_ d: inout BodyDecoder) { value = d.required("value", as: Evaluation.Value.self) }
    }
    static let values = Mutex<[String: String]>([:])
    static let running = Mutex<Set<String>>([])
    let id: String
    init(options: ComponentOptions, arguments: Arguments) async throws {
        id = options.id
        RecorderComponent.values.withLock { $0[options.id] = arguments.value.rendered }
    }
    var exports: [String: Value] { [:] }
    func run() async {
        RecorderComponent.running.withLock { _ = $0.insert(id) }
        await sleepUntilCancelled()
        RecorderComponent.running.withLock { _ = $0.remove(id) }
    }
    func update(arguments: Arguments) async throws { RecorderComponent.values.withLock { $0[id] = arguments.value.rendered } }
}

func sleepUntilCancelled() async {
    while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
}

/// Modules: `declare` with `argument` and `export`, `import.string`, `import.file`, and `foreach`, loaded and run by
/// a real controller.
@Suite(.serialized) struct ModuleTests {
    static let registry: Registry = {
        var r = Registry()
        r.register(ComponentRegistration("test.value", ValueComponent.self, exports: ["value": .int(0)]))
        r.register(ComponentRegistration("test.recorder", RecorderComponent.self))
        return r
    }()

    func graph(_ text: String, name: String = "c.alloy") throws(Diagnostics) -> ConfigGraph {
        try ConfigGraph.load([try Parser.parse(SourceFile(name: name, text: text))], registry: Self.registry)
    }

    /// The diagnostics of loading and validating `text`, one line each.
    func diagnostics(_ text: String, experimental: Bool = false) -> [String] {
        do {
            let g = try graph(text)
            return (g.warnings.items + Controller.validate(g, allowExperimental: experimental).items).map(\.description)
        } catch {
            return error.items.map(\.description)
        }
    }

    func waitFor(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            if ContinuousClock.now > deadline { Issue.record("timed out waiting for \(what)"); return }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func withController(_ g: ConfigGraph, experimental: Bool = false, _ body: (Controller) async throws -> Void) async throws {
        RecorderComponent.values.withLock { $0 = [:] }
        let storage = NSTemporaryDirectory() + "module-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: storage) }
        let controller = Controller(graph: g, storagePath: storage, allowExperimental: experimental, logger: Logger(label: "test"))
        try await controller.start()
        do { try await body(controller) } catch {
            await controller.stop(drainTimeout: .seconds(1))
            throw error
        }
        await controller.stop(drainTimeout: .seconds(1))
        #expect(RecorderComponent.running.withLock { $0.isEmpty }, "every component of every module stopped")
    }

    static let pipeline = """
    declare "doubler" {
    \targument "input" { }

    \targument "label" {
    \t\toptional = true
    \t\tdefault  = "none"
    \t}

    \ttest.recorder "seen" {
    \t\tvalue = [argument.input.value, argument.label.value]
    \t}

    \texport "output" {
    \t\tvalue = argument.input.value * 2
    \t}
    }

    test.value "source" {
    \tvalue = 21
    }

    doubler "a" {
    \tinput = test.value.source.value
    }

    doubler "b" {
    \tinput = doubler.a.output
    \tlabel = "second"
    }

    test.recorder "out" {
    \tvalue = doubler.b.output
    }
    """

    /// Arguments reach the body (defaults where not given), exports leave it, instances chain, and the body's
    /// components run under nested ids.
    @Test func declareArgumentsAndExports() async throws {
        #expect(diagnostics(Self.pipeline).isEmpty)
        try await withController(try graph(Self.pipeline)) { _ in
            try await waitFor("the chained export") { RecorderComponent.values.withLock { $0["test.recorder.out"] } == "84" }
            let values = RecorderComponent.values.withLock { $0 }
            #expect(values["doubler.a/test.recorder.seen"] == "[21, \"none\"]")
            #expect(values["doubler.b/test.recorder.seen"] == "[42, \"second\"]")
            try await waitFor("the bodies' components running") {
                RecorderComponent.running.withLock { $0.isSuperset(of: ["doubler.a/test.recorder.seen", "doubler.b/test.recorder.seen"]) }
            }
        }
    }

    /// A reload that changes the value given to a custom component, then its body, updates the running instance.
    @Test func reloadUpdatesArgumentsAndBody() async throws {
        try await withController(try graph(Self.pipeline)) { controller in
            try await waitFor("the first value") { RecorderComponent.values.withLock { $0["test.recorder.out"] } == "84" }
            let changedValue = Self.pipeline.replacingOccurrences(of: "value = 21", with: "value = 5")
            var result = await controller.reload(try graph(changedValue), drainTimeout: .seconds(1))
            #expect(!result.diagnostics.hasErrors)
            try await waitFor("the new value") { RecorderComponent.values.withLock { $0["test.recorder.out"] } == "20" }
            let changedBody = changedValue.replacingOccurrences(of: "argument.input.value * 2", with: "argument.input.value * 3")
            result = await controller.reload(try graph(changedBody), drainTimeout: .seconds(1))
            #expect(!result.diagnostics.hasErrors)
            #expect(result.updated.contains("doubler.a"))
            try await waitFor("the new body") { RecorderComponent.values.withLock { $0["test.recorder.out"] } == "45" }
        }
    }

    @Test func argumentMistakesAreReported() {
        let base = "declare \"m\" {\n\targument \"need\" { }\n}\n"
        #expect(diagnostics(base + "m \"x\" { }\n") == ["c.alloy:4:1: missing required argument \"need\" to module"])
        #expect(diagnostics(base + "m \"x\" {\n\tneed = 1\n\tother = 2\n}\n")
                == ["c.alloy:6:2: Provided argument \"other\" is not defined in the module"])
        #expect(diagnostics("argument \"a\" { }\n") == ["c.alloy:1:1: argument blocks only allowed inside a module"])
        #expect(diagnostics("export \"a\" {\n\tvalue = 1\n}\n") == ["c.alloy:1:1: export blocks only allowed inside a module"])
        #expect(diagnostics("declare \"m\" {\n\tm \"again\" { }\n}\nm \"x\" { }\n")
                == ["c.alloy:2:2: custom component \"m\" instantiates itself"])
        #expect(diagnostics("declare \"m\" { }\ndeclare \"m\" { }\n") == ["c.alloy:2:1: duplicate definition of \"m\""])
        #expect(diagnostics("declare \"declare\" { }\n") == ["c.alloy:1:1: 'declare' is not a valid label for a declare block"])
        #expect(diagnostics("nope \"x\" { }\n") == ["c.alloy:1:1: cannot find the definition of component name \"nope\""])
        #expect(diagnostics("import.git \"g\" {\n\trepository = \"https://example.com/m.git\"\n}\n")
                == ["c.alloy:1:1: import.git is not supported by Tributary: import the module with import.file from a checkout, or with import.http"])
    }

    /// A module written in a string: its declares are used as `<import label>.<declare>`, and a declare of the
    /// module may use another of the same module.
    @Test func importStringModules() async throws {
        let text = """
        import.string "lib" {
        \tcontent = "declare \\"inner\\" {\\n\\targument \\"v\\" { }\\n\\ttest.recorder \\"r\\" {\\n\\t\\tvalue = argument.v.value\\n\\t}\\n}\\ndeclare \\"outer\\" {\\n\\targument \\"v\\" { }\\n\\tinner \\"i\\" {\\n\\t\\tv = argument.v.value + 1\\n\\t}\\n}\\n"
        }

        lib.outer "o" {
        \tv = 1
        }
        """
        #expect(diagnostics(text).isEmpty)
        try await withController(try graph(text)) { _ in
            try await waitFor("the nested recorder") { RecorderComponent.values.withLock { $0["lib.outer.o/inner.i/test.recorder.r"] } == "2" }
        }
        #expect(diagnostics("import.string \"lib\" {\n\tcontent = \"test.value \\\"x\\\" {\\n\\tvalue = 1\\n}\\n\"\n}\n")
                == ["import.string.lib:1:1: only declare and import blocks are allowed in a module, got test.value"])
        #expect(diagnostics("import.string \"lib\" {\n\tcontent = \"declare \\\"a\\\" { }\"\n}\nlib.b \"x\" { }\n")
                .first?.hasPrefix("c.alloy:4:1: cannot find the definition of component name \"lib.b\"") == true)
    }

    /// A module directory for import.file: every `*.alloy` file in it, `module_path` set to the directory.
    @Test func importFileDirectory() async throws {
        let dir = NSTemporaryDirectory() + "module-dir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "declare \"a\" {\n\ttest.recorder \"path\" {\n\t\tvalue = module_path\n\t}\n}\n".write(toFile: dir + "/a.alloy", atomically: true, encoding: .utf8)
        try "declare \"b\" {\n\ta \"inner\" { }\n}\n".write(toFile: dir + "/b.alloy", atomically: true, encoding: .utf8)
        try "not a module".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
        let text = "import.file \"mods\" {\n\tfilename = \"\(dir)\"\n}\n\nmods.b \"x\" { }\n"
        #expect(diagnostics(text).isEmpty)
        let g = try graph(text)
        #expect(g.importedSources.count == 1)
        try await withController(g) { _ in
            try await waitFor("module_path") { RecorderComponent.values.withLock { $0["mods.b.x/a.inner/test.recorder.path"] } == "\"\(dir)\"" }
        }
        #expect(diagnostics("import.file \"m\" {\n\tfilename = \"\(dir)/missing.alloy\"\n}\n").first?.contains("failed to read file") == true)
    }

    static let foreach = """
    foreach "each" {
    \tcollection = ["a", "b-c", 3]
    \tvar        = "item"

    \ttemplate {
    \t\ttest.recorder "r" {
    \t\t\tvalue = item
    \t\t}
    \t}
    }
    """

    /// One copy of the template per item, named as Alloy names them; a changed collection stops the copies of
    /// removed items and starts the new ones, leaving the others running.
    @Test func foreachCopiesFollowTheCollection() async throws {
        #expect(diagnostics(Self.foreach) == [
            "c.alloy:1:1: foreach is at stability level \"experimental\", which is below the minimum allowed stability level \"generally-available\". Use --stability.level command-line flag to enable \"experimental\" features",
        ])
        #expect(diagnostics(Self.foreach, experimental: true).isEmpty)
        try await withController(try graph(Self.foreach), experimental: true) { controller in
            let ids = ["foreach.each/foreach_a_1/test.recorder.r", "foreach.each/foreach_b_c_1/test.recorder.r", "foreach.each/foreach_3_1/test.recorder.r"]
            try await waitFor("three copies") { RecorderComponent.running.withLock { $0.isSuperset(of: ids) } }
            let values = RecorderComponent.values.withLock { v in ids.map { v[$0] } }
            #expect(values == ["\"a\"", "\"b-c\"", "3"])
            let changed = Self.foreach.replacingOccurrences(of: "[\"a\", \"b-c\", 3]", with: "[\"a\", \"d\", \"d\"]")
            let result = await controller.reload(try graph(changed), drainTimeout: .seconds(1))
            #expect(!result.diagnostics.hasErrors)
            let now = ["foreach.each/foreach_a_1/test.recorder.r", "foreach.each/foreach_d_1/test.recorder.r", "foreach.each/foreach_d_2/test.recorder.r"]
            try await waitFor("the new copies") {
                RecorderComponent.running.withLock { $0.filter { $0.hasPrefix("foreach.each/") } } == Set(now)
            }
        }
    }

    /// Metrics are labelled as Alloy's per-component registries label them, and a foreach exports its copies'
    /// series only with `enable_metrics`.
    @Test func componentMetricsLabelsAndForeachMetricsSwitch() async throws {
        #expect(ComponentMetrics.labels(forFullID: "loki.write.default") == ("/", "loki.write.default"))
        #expect(ComponentMetrics.labels(forFullID: "lib.tagger.a/foreach.x/foreach_b_1/loki.process.p") == ("/lib.tagger.a/foreach.x/foreach_b_1", "loki.process.p"))
        let dims = ComponentMetrics.dimensions([("component_id", "lib.tagger.a/loki.process.p"), ("reason", "drop")])
        #expect(dims?.map { "\($0.0)=\($0.1)" } == ["component_id=loki.process.p", "component_path=/lib.tagger.a", "reason=drop"])
        #expect(ComponentMetrics.dimensions([("role", "pod")])?.map(\.0) == ["role"], "series of no component are left as they are")

        let config = Self.foreach.replacingOccurrences(of: "foreach \"each\"", with: "foreach \"metered\"")
        let copy = "foreach.metered/foreach_a_1/test.recorder.r"
        try await withController(try graph(config), experimental: true) { controller in
            try await waitFor("the copies") { RecorderComponent.running.withLock { $0.contains(copy) } }
            #expect(ComponentMetrics.isHidden(copy), "enable_metrics defaults to false")
            #expect(ComponentMetrics.dimensions([("component_id", copy)]) == nil)
            #expect(!ComponentMetrics.isHidden("foreach.meteredx/foreach_a_1/test.recorder.r"), "only the foreach's own copies")
            let enabled = config.replacingOccurrences(of: "\tvar        = \"item\"", with: "\tvar        = \"item\"\n\tenable_metrics = true")
            #expect(!(await controller.reload(try graph(enabled), drainTimeout: .seconds(1))).diagnostics.hasErrors)
            #expect(!ComponentMetrics.isHidden(copy))
        }
    }
}
