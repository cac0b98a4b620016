import LogCore
import Logging
import Evaluation
import Syntax
@testable import Components
@testable import Process

/// Builds a `loki.process` pipeline from stage blocks written in Alloy syntax, through the real decoder.
struct StageHarness {
    let pipeline: Pipeline
    /// The warnings the stage blocks produced.
    let warnings: [String]
    let ctx = PipelineContext(componentID: "loki.process.test", logger: Logger(label: "test"), metrics: ProcessMetrics(componentID: "loki.process.test"))

    struct ConfigError: Error { var diagnostics: [String] }

    init(_ stages: String) throws {
        let src = SourceFile(name: "t.alloy", text: "loki.process \"t\" {\n\tforward_to = []\n" + stages + "\n}\n")
        let file = try Parser.parse(src)
        guard case .block(let b) = file.body[0] else { fatalError() }
        var d = BodyDecoder(evaluator: Evaluator(source: src), body: b.body, anchor: (b.nameOffset, b.lcurly))
        let args = LokiProcessComponent.Arguments(&d)
        d.finish()
        if d.diagnostics.hasErrors { throw ConfigError(diagnostics: d.diagnostics.items.map(\.message)) }
        warnings = d.diagnostics.items.filter { $0.severity == .warning }.map(\.message)
        // The tests look at the extracted map after the last stage, so it must be filled as if a stage read it.
        pipeline = Pipeline(args.pipeline.stages, extractedReadAfter: true)
    }

    /// The diagnostics a stage configuration produces.
    static func errors(_ stages: String) -> [String] {
        do {
            _ = try StageHarness(stages)
            return []
        } catch let e as ConfigError {
            return e.diagnostics
        } catch {
            return ["\(error)"]
        }
    }

    func run(_ lines: [String], labels: [String: String] = [:], timestamp: Int64 = 1_000, held: HeldEntries? = nil) -> [ProcessEntry] {
        let entries = lines.map { ProcessEntry(LogEntry(timestamp: timestamp, line: Array($0.utf8), labels: LabelSet(labels))) }
        let ctx = held.map { PipelineContext(componentID: self.ctx.componentID, logger: self.ctx.logger, metrics: self.ctx.metrics, held: $0) } ?? self.ctx
        return pipeline.process(entries, ctx)
    }

    /// Runs lines that carry their source origin and whether the source re-read them after a restart.
    func run(_ lines: [(line: String, origin: Int64, replayed: Bool)], held: HeldEntries) -> [ProcessEntry] {
        let entries = lines.map { l in
            var e = LogEntry(timestamp: 1_000, line: Array(l.line.utf8), labels: LabelSet())
            e.origin = l.origin
            e.replayed = l.replayed
            return ProcessEntry(e)
        }
        let ctx = PipelineContext(componentID: self.ctx.componentID, logger: self.ctx.logger, metrics: self.ctx.metrics, held: held)
        return pipeline.process(entries, ctx)
    }

    func one(_ line: String, labels: [String: String] = [:]) -> ProcessEntry? { run([line], labels: labels).first }
}

extension ProcessEntry {
    var line: String { String(decoding: entry.line, as: UTF8.self) }
    var labels: [String: String] { entry.labels.dictionary }
    func x(_ key: String) -> String? { extracted[key]?.stringValue }
}
