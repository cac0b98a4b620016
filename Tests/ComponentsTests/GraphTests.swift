import Components
import Syntax
import Testing
@testable import Runtime

/// Loads and validates a configuration text; returns the graph or the diagnostics' one-line forms.
func load(_ text: String) -> (ConfigGraph?, [String]) {
    let src = SourceFile(name: "c.alloy", text: text)
    do {
        let file = try Parser.parse(src)
        let graph = try ConfigGraph.load([file], registry: AllComponents.registry)
        let diags = Controller.validate(graph)
        return (graph, (graph.warnings.items + diags.items).map(\.description))
    } catch {
        return (nil, error.items.map(\.description))
    }
}

@Suite struct GraphTests {
    @Test func ordersByDependencies() throws {
        let (g, diags) = load("""
        loki.source.file "a" {
        \ttargets    = local.file_match.m.targets
        \tforward_to = [loki.echo.e.receiver]
        }
        local.file_match "m" {
        \tpath_targets = [{"__path__" = "/tmp/*.log"}]
        }
        loki.echo "e" { }
        """)
        #expect(diags.isEmpty)
        let ids = g?.nodes.map(\.id) ?? []
        #expect(ids.firstIndex(of: "local.file_match.m")! < ids.firstIndex(of: "loki.source.file.a")!)
        #expect(ids.firstIndex(of: "loki.echo.e")! < ids.firstIndex(of: "loki.source.file.a")!)
        let a = g!.nodes.firstIndex { $0.id == "loki.source.file.a" }!
        #expect(g!.nodes[a].dependencies.count == 2)
    }

    @Test func detectsCycles() {
        let (_, diags) = load("""
        local.file_match "a" {
        \tpath_targets = local.file_match.b.targets
        }
        local.file_match "b" {
        \tpath_targets = local.file_match.a.targets
        }
        """)
        #expect(diags.contains { $0.contains("cycle detected: local.file_match.a -> local.file_match.b -> local.file_match.a") })
    }

    @Test func selfReference() {
        let (_, diags) = load("local.file_match \"a\" {\n\tpath_targets = local.file_match.a.targets\n}\n")
        #expect(diags == ["c.alloy:2:17: cannot reference self"])
    }

    @Test func missingComponentReference() {
        let (_, diags) = load("loki.source.file \"a\" {\n\ttargets = []\n\tforward_to = [loki.echo.missing.receiver]\n}\nloki.echo \"mising\" { }\n")
        #expect(diags.count == 1)
        #expect(diags[0].hasPrefix("c.alloy:3:16: component \"loki.echo.missing.receiver\" does not exist or is out of scope"))
        #expect(diags[0].contains("did you mean \"loki.echo.mising.receiver\"?"))
    }

    @Test func unknownAndUnsupportedComponents() {
        let (_, d1) = load("loki.ecoh \"x\" { }\n")
        #expect(d1 == ["c.alloy:1:1: cannot find the definition of component name \"loki.ecoh\"; did you mean \"loki.echo\"?"])
        let (_, d2) = load("prometheus.scrape \"x\" {\n\ttargets = []\n}\ndiscovery.docker \"d\" {\n\thost = \"unix:///var/run/docker.sock\"\n}\n")
        #expect(d2 == ["c.alloy:1:1: component \"prometheus.scrape\" is not supported by Tributary",
                       "c.alloy:4:1: component \"discovery.docker\" is not supported by Tributary"])
        let (_, d3) = load("loki.source.journal \"j\" {\n\tforward_to = []\n}\n")
        #expect(d3 == [])
    }

    @Test func labelsRequiredAndUnique() {
        let (_, d1) = load("loki.echo { }\n")
        #expect(d1 == ["c.alloy:1:1: component \"loki.echo\" must have a label"])
        let (_, d2) = load("loki.echo \"a\" { }\nloki.echo \"a\" { }\n")
        #expect(d2 == ["c.alloy:2:1: block loki.echo.a already declared at c.alloy:1:1"])
    }

    @Test func argumentErrors() {
        let (_, diags) = load("""
        local.file_match "m" {
        \tpath_targets = "x"
        \tsync_periodd = "1s"
        }
        loki.source.file "f" {
        \ttargets = local.file_match.m.targets
        }
        local.file_match "n" {
        \tpath_targets = [{"__path__" = "/x"}]
        \tsync_period = "10"
        \tbogus { }
        }
        """)
        #expect(diags.contains("c.alloy:2:17: \"x\" should be array, got string"))
        #expect(diags.contains("c.alloy:3:2: unrecognized attribute name \"sync_periodd\"; did you mean \"sync_period\"?"))
        #expect(diags.contains("c.alloy:5:1: missing required attribute \"forward_to\""))
        #expect(diags.contains("c.alloy:10:16: \"10\" time: missing unit in duration \"10\""))
        #expect(diags.contains("c.alloy:11:2: unrecognized block name \"bogus\""))
    }

    @Test func wrongCapsuleType() {
        let (_, diags) = load("""
        local.file_match "m" {
        \tpath_targets = [{"__path__" = "/x"}]
        }
        loki.source.file "f" {
        \ttargets    = []
        \tforward_to = [local.file_match.m.targets]
        }
        """)
        #expect(diags == ["c.alloy:6:15: [local.file_match.m.targets][0] should be capsule(\"loki.LogsReceiver\"), got array"])
    }

    @Test func configBlocks() {
        let (g, diags) = load("logging {\n\tlevel = \"debug\"\n\tformat = \"json\"\n}\ntracing { }\n")
        #expect(g?.logging.level == "debug")
        #expect(g?.logging.format == "json")
        #expect(diags == ["c.alloy:5:1: the tracing block is not supported by Tributary and is ignored"])
        let (_, d2) = load("declare \"x\" {\n\tlogging { }\n}\nx \"a\" { }\n")
        #expect(d2 == ["c.alloy:2:2: logging block not allowed inside a module"])
        let (_, d3) = load("logging {\n\tlevel = \"loud\"\n}\n")
        #expect(d3 == ["c.alloy:2:2: unrecognized log level \"loud\""])
    }

    @Test func deprecatedFunctionWarns() {
        let (_, diags) = load("local.file_match \"m\" {\n\tpath_targets = [{\"__path__\" = env(\"HOME\")}]\n}\n")
        #expect(diags == ["c.alloy:2:32: this stdlib function is deprecated; please refer to the documentation for updated usage and alternatives"])
    }

    @Test func registryHasNoClashes() {
        let r = AllComponents.registry
        #expect(r.registrations.keys.sorted() == ["discovery.kubernetes", "discovery.relabel", "local.file_match", "loki.echo", "loki.process", "loki.relabel", "loki.source.file", "loki.source.journal", "loki.write"])
        for name in r.registrations.keys { #expect(!r.isUnsupported(name)) }
        #expect(r.isUnsupported("prometheus.exporter.unix"))
        #expect(!r.isUnsupported("loki.source.journal"))
    }
}
