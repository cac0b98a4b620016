import Foundation
import JournalFixtures
import LogCore
import Relabel
import Evaluation
import Runtime
import Synchronization
import Syntax
@testable import Components
@testable import JournalSource

/// Collects what a source forwards; optionally slow, to exercise back-pressure.
final class Sink: LogsReceiver {
    let received = Mutex<[LogEntry]>([])
    let batches = Atomic<Int>(0)
    /// The marks a durable receiver would have committed, batch by batch.
    let marks = Mutex<[SourceMark]>([])
    let delay: Duration
    init(delay: Duration = .zero) { self.delay = delay }
    func receive(_ batch: EntryBatch) async {
        if delay > .zero { try? await Task.sleep(for: delay) }
        received.withLock { $0 += batch.entries }
        if let m = batch.progress?.mark() { marks.withLock { $0.append(m) } }
        batches.add(1, ordering: .relaxed)
    }
    var entries: [LogEntry] { received.withLock { $0 } }
    var lines: [String] { entries.map { String(decoding: $0.line, as: UTF8.self) } }

    /// Waits until `condition` holds or `timeout` passes; returns whether it held.
    func wait(timeout: Duration = .seconds(10), _ condition: @escaping ([LogEntry]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(entries) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(entries)
    }
}

struct ConfigError: Error, CustomStringConvertible {
    var messages: [String]
    var description: String { messages.joined(separator: "\n") }
}

/// Builds `loki.source.journal` from Alloy text through the real decoder, with `loki.relabel.r.rules` (from the
/// optional `relabel` rule blocks) and `test.sink.receiver` in scope.
enum JournalHarness {
    static func arguments(_ body: String, relabel: String = "", sink: Sink) throws -> LokiSourceJournalComponent.Arguments {
        let rules: [RelabelRule]
        do {
            let src = SourceFile(name: "r.alloy", text: "loki.relabel \"r\" {\n\tforward_to = []\n\(relabel)\n}\n")
            let file = try Parser.parse(src)
            guard case .block(let b) = file.body[0] else { fatalError() }
            var d = BodyDecoder(evaluator: Evaluator(source: src), body: b.body, anchor: (b.nameOffset, b.lcurly))
            let a = LokiRelabelComponent.Arguments(&d)
            d.finish()
            if d.diagnostics.hasErrors { throw ConfigError(messages: d.diagnostics.items.map(\.description)) }
            rules = a.rules
        }
        let scope: [String: Value] = [
            "loki": .object(["relabel": .object(["r": .object(["rules": .capsule(RulesCapsule(ownerID: "loki.relabel.r", rules: rules))])])]),
            "test": .object(["sink": .object(["receiver": ReceiverCapsule(ownerID: "test.sink", receiver: sink).value])]),
        ]
        let rulesLine = relabel.isEmpty ? "" : "\trelabel_rules = loki.relabel.r.rules\n"
        let src = SourceFile(name: "j.alloy", text: "loki.source.journal \"j\" {\n\tforward_to = [test.sink.receiver]\n\(rulesLine)\(body)\n}\n")
        let file = try Parser.parse(src)
        guard case .block(let b) = file.body[0] else { fatalError() }
        var d = BodyDecoder(evaluator: Evaluator(source: src, scope: scope), body: b.body, anchor: (b.nameOffset, b.lcurly))
        let args = LokiSourceJournalComponent.Arguments(&d)
        d.finish()
        if d.diagnostics.hasErrors { throw ConfigError(messages: d.diagnostics.items.map(\.description)) }
        return args
    }

    /// The diagnostics of a body.
    static func errors(_ body: String) -> [String] {
        do {
            _ = try arguments(body, sink: Sink())
            return []
        } catch let e as ConfigError {
            return e.messages
        } catch {
            return ["\(error)"]
        }
    }

    /// A running component; `stop()` cancels it and waits until it has saved its cursor.
    final class Running: Sendable {
        let component: LokiSourceJournalComponent
        let task: Task<Void, Never>
        init(_ component: LokiSourceJournalComponent) {
            self.component = component
            task = Task { await component.run() }
        }
        func stop() async {
            task.cancel()
            await task.value
        }
    }

    static func start(_ body: String, relabel: String = "", sink: Sink, data: URL,
                      shared: SharedObjects = SharedObjects()) async throws -> Running {
        let args = try arguments(body, relabel: relabel, sink: sink)
        let options = ComponentOptions(id: "loki.source.journal.j", dataPath: data.path, shared: shared) { _ in }
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        return Running(try await LokiSourceJournalComponent(options: options, arguments: args))
    }
}

func temporaryDirectory() -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("tributary-journal-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

extension LogEntry {
    var text: String { String(decoding: line, as: UTF8.self) }
    var labelDictionary: [String: String] { labels.dictionary }
}
