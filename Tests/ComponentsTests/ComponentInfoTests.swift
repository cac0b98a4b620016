import Codecs
import Components
import Evaluation
import Foundation
import Logging
import Syntax
import Testing
@testable import Runtime

/// What the web API shows of a running pipeline: graph edges, health, arguments with secrets hidden, exports.
@Suite(.serialized) struct ComponentInfoTests {
    /// Starts `text` (DIR: a new directory, holding `files` from the start).
    func running(_ text: String, files: [String: String] = [:]) async throws -> (Controller, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tributary-info-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, content) in files { try Data(content.utf8).write(to: dir.appendingPathComponent(name)) }
        let (graph, diags) = load(text.replacingOccurrences(of: "DIR", with: dir.path))
        #expect(diags.isEmpty, "\(diags)")
        let controller = Controller(graph: try #require(graph), storagePath: dir.path, logger: Logger(label: "test"))
        try await controller.start()
        return (controller, dir)
    }

    static let pipeline = """
    local.file_match "pods" {
    \tpath_targets = [{"__path__" = "DIR/*.log"}]
    }

    loki.source.file "pods" {
    \ttargets    = local.file_match.pods.targets
    \tforward_to = [loki.process.pods.receiver]
    }

    loki.process "pods" {
    \tforward_to = [loki.echo.out.receiver, loki.write.loki.receiver]

    \tstage.static_labels {
    \t\tvalues = {team = "data"}
    \t}
    }

    loki.echo "out" { }

    loki.write "loki" {
    \tendpoint {
    \t\turl = "http://127.0.0.1:9/loki/api/v1/push"

    \t\tbasic_auth {
    \t\t\tusername = "agent"
    \t\t\tpassword = "hunter2"
    \t\t}
    \t}
    \texternal_labels = {cluster = "homelab"}
    }

    loki.source.journal "system" {
    \tpath       = "DIR/no-journal-here"
    \tforward_to = [loki.write.loki.receiver]
    }
    """

    @Test func referencesDataFlowAndHealth() async throws {
        let (controller, _) = try await running(Self.pipeline)
        // The journal source finds its directory missing.
        var infos = await controller.componentInfos()
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline,
              infos.first(where: { $0.id == "loki.source.journal.system" })?.health.state != .unhealthy {
            try await Task.sleep(for: .milliseconds(50))
            infos = await controller.componentInfos()
        }
        await controller.stop(drainTimeout: .seconds(2))
        let byID = Dictionary(uniqueKeysWithValues: infos.map { ($0.id, $0) })
        let source = try #require(byID["loki.source.file.pods"])
        #expect(source.name == "loki.source.file" && source.label == "pods")
        #expect(source.referencesTo == ["local.file_match.pods", "loki.process.pods"])
        #expect(source.dataFlowEdgesTo == ["loki.process.pods"], "targets are references, not data flow")
        #expect(byID["loki.process.pods"]?.dataFlowEdgesTo == ["loki.echo.out", "loki.write.loki"])
        #expect(Set(byID["loki.write.loki"]?.referencedBy ?? []) == ["loki.process.pods", "loki.source.journal.system"])
        #expect(byID["local.file_match.pods"]?.dataFlowEdgesTo == [])
        #expect(source.health.state == .healthy && source.health.message == "started component" && source.health.updated > 0)
        let journal = try #require(byID["loki.source.journal.system"])
        #expect(journal.health.state == .unhealthy)
        #expect(journal.health.message.contains("no-journal-here"), "\(journal.health.message)")
        #expect(infos.allSatisfy { $0.arguments == nil && $0.exports == nil }, "the list carries no arguments")
    }

    @Test func argumentsHideSecretsAndExportsAreShown() async throws {
        let (controller, _) = try await running(Self.pipeline)
        let write = await controller.componentInfo("loki.write.loki")
        let process = await controller.componentInfo("loki.process.pods")
        let missing = await controller.componentInfo("loki.write.nope")
        await controller.stop(drainTimeout: .seconds(2))
        #expect(missing == nil)
        var out: [UInt8] = []
        AlloyJSON.body(try #require(write?.arguments)).write(to: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(!text.contains("hunter2"), "a secret is never shown")
        #expect(text.contains(#"{"name":"password","type":"attr","value":{"type":"capsule","value":"(secret)"}}"#), "\(text)")
        #expect(text.contains(#"{"name":"username","type":"attr","value":{"type":"string","value":"agent"}}"#), "\(text)")
        #expect(text.contains(#"{"name":"endpoint","type":"block","body":["#), "\(text)")
        #expect(text.contains(#"{"name":"external_labels","type":"attr","value":{"type":"object","value":[{"key":"cluster","value":{"type":"string","value":"homelab"}}]}}"#), "\(text)")
        out = []
        AlloyJSON.body(try #require(process?.exports)).write(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"[{"name":"receiver","type":"attr","value":{"type":"capsule","value":"loki.process.pods.receiver"}}]"#)
        out = []
        AlloyJSON.body(try #require(process?.arguments)).write(to: &out)
        #expect(String(decoding: out, as: UTF8.self).contains(#"{"name":"forward_to","type":"attr","value":{"type":"array","value":[{"type":"capsule","value":"loki.echo.out.receiver"},{"type":"capsule","value":"loki.write.loki.receiver"}]}}"#))
    }

    /// Where secrets are is remembered per block: a reload that moves an unchanged block (a component added above
    /// it) still hides them.
    @Test func secretsStayHiddenWhenAReloadMovesTheBlock() async throws {
        let (controller, dir) = try await running(Self.pipeline)
        let moved = "loki.echo \"first\" { }\n\n" + Self.pipeline.replacingOccurrences(of: "DIR", with: dir.path)
        let (graph, diags) = load(moved)
        #expect(diags.isEmpty, "\(diags)")
        let result = await controller.reload(try #require(graph), drainTimeout: .seconds(1))
        #expect(result.added == ["loki.echo.first"] && !result.diagnostics.hasErrors)
        let write = await controller.componentInfo("loki.write.loki")
        await controller.stop(drainTimeout: .seconds(1))
        var out: [UInt8] = []
        AlloyJSON.body(try #require(write?.arguments)).write(to: &out)
        let text = String(decoding: out, as: UTF8.self)
        #expect(!text.contains("hunter2") && text.contains(#"{"name":"password","type":"attr","value":{"type":"capsule","value":"(secret)"}}"#), "\(text)")
    }

    /// Debug info: the files being read with offset, size and lag; the log's size and each endpoint's position and
    /// last error.
    @Test func debugInfoShowsFilesAndEndpoints() async throws {
        let (controller, dir) = try await running(Self.pipeline.replacingOccurrences(of: "url = \"http://127.0.0.1:9/loki/api/v1/push\"",
                                                                                     with: "url = \"http://127.0.0.1:9/loki/api/v1/push\"\n\t\tbatch_wait = \"50ms\"\n\t\tremote_timeout = \"1s\""),
                                             files: ["a.log": "one\ntwo\n"])
        func text(_ id: String) async -> String {
            var out: [UInt8] = []
            AlloyJSON.body(await controller.componentInfo(id)?.debugInfo ?? []).write(to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        var source = "", write = ""
        // The first push fails when its connection attempts time out (remote_timeout).
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            source = await text("loki.source.file.pods")
            write = await text("loki.write.loki")
            if source.contains(#""read_offset","type":"attr","value":{"type":"number","value":8}"#) && !write.contains(#""last_error","type":"attr","value":{"type":"string","value":""}"#) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        await controller.stop(drainTimeout: .seconds(1))
        #expect(source == #"[{"name":"targets_info","type":"block","body":[{"name":"path","type":"attr","value":{"type":"string","value":"\#(dir.path)/a.log"}},{"name":"labels","type":"attr","value":{"type":"string","value":"{}"}},{"name":"is_running","type":"attr","value":{"type":"bool","value":true}},{"name":"read_offset","type":"attr","value":{"type":"number","value":8}},{"name":"size","type":"attr","value":{"type":"number","value":8}},{"name":"lag_bytes","type":"attr","value":{"type":"number","value":0}}]}]"#)
        #expect(write.contains(#"{"name":"wal_segments","type":"attr","value":{"type":"number","value":1}}"#), "\(write)")
        #expect(write.contains(#"{"name":"url","type":"attr","value":{"type":"string","value":"http://127.0.0.1:9/loki/api/v1/push"}}"#), "\(write)")
        #expect(write.contains(#"{"name":"position","type":"attr","value":{"type":"string","value":"1:0"}}"#), "nothing delivered: \(write)")
        #expect(write.contains("refused"), "the last error names the failure: \(write)")
        #expect(!write.contains("hunter2"))
    }
}
