import ArgumentParser
import Codecs
import Components
import Evaluation
import LogCore
import Platform
import Runtime
import Syntax

/// `tributary test CONFIG [--input FILE] [--labels '{…}'] [--timestamp T]`: a dry run of the configuration's
/// processing. Each input line goes through its `loki.process` and `loki.relabel` components as a source would send
/// it; what each emits (timestamp, labels, structured metadata, line), drops (and why) and hands to a writer is
/// printed. Nothing is read from sources, nothing is shipped, no state is written.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Feed lines through a configuration's processing and print what each component does with them."
    )

    @Argument(help: "Configuration file or directory.")
    var config: String

    @Option(help: "File of input lines (default: standard input).")
    var input: String?

    @Option(help: "The labels a source would give the lines, as an Alloy object: '{job = \"app\", namespace = \"airflow\"}'.")
    var labels = "{}"

    @Option(help: "The lines' read time (RFC 3339; default: now).")
    var timestamp: String?

    func run() async throws {
        Stdlib.version = TributaryVersion.string
        let graph = try await ConfigLoader.loadOrExit(config)
        let dryRun: DryRun
        do throws(Diagnostics) { dryRun = try DryRun(graph: graph) } catch {
            printError(error.pretty())
            throw ExitCode(1)
        }
        let start = try readTime()
        let base = try labelSet()
        let text: [UInt8]
        do {
            if let input { text = try FileIO.read(input, limit: TestCommand.inputLimit) } else {
                text = try FileIO.readAll(fd: 0, path: "<stdin>", limit: TestCommand.inputLimit)
            }
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        var out: [UInt8] = []
        out += Array("entry points: \(dryRun.entryPoints.joined(separator: ", "))\n".utf8)
        var lines = text.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for (i, line) in lines.enumerated() {
            var l = line
            if l.last == 13 { l.removeLast() }
            out += Array("\nline \(i + 1): ".utf8) + l + [10]
            let entry = LogEntry(timestamp: start + Int64(i), line: l, labels: base)
            TestCommand.print(dryRun.feed(entry), to: &out)
        }
        let rest = dryRun.finish()
        if !rest.isEmpty {
            out += Array("\nheld until the end:\n".utf8)
            TestCommand.print(rest, to: &out)
        }
        writeStandardOutput(String(decoding: out, as: UTF8.self))
    }

    /// Input beyond this is refused: a dry run is for samples, not whole log files.
    static let inputLimit = 64 << 20

    static func print(_ steps: [DryRun.Step], to out: inout [UInt8]) {
        if steps.isEmpty { out += Array("  (held by a stage)\n".utf8) }
        for step in steps {
            switch step {
            case .emitted(let id, let e):
                out += Array("  \(id) emits ".utf8)
                RFC3339.appendNano(e.timestamp, to: &out)
                out.append(32)
                e.labels.appendLogQL(to: &out)
                if !e.structuredMetadata.isEmpty {
                    out += Array(" metadata ".utf8)
                    LabelSet.appendLogQL(e.structuredMetadata, to: &out)
                }
                out.append(32)
                GoQuote.append(String(decoding: e.line, as: UTF8.self), to: &out)
                out.append(10)
            case .dropped(let id, let reason):
                out += Array("  \(id) drops it: \(reason)\n".utf8)
            case .delivered(let id):
                out += Array("  \(id) receives it\n".utf8)
            }
        }
    }

    private func readTime() throws -> Int64 {
        guard let timestamp else { return WallClock.nowNanoseconds() }
        guard let t = RFC3339.parse(timestamp) else { throw ValidationError("--timestamp: \"\(timestamp)\" is not an RFC 3339 time") }
        return t
    }

    private func labelSet() throws -> LabelSet {
        let value: Value
        do { value = try Evaluator.evaluate(labels) } catch {
            throw ValidationError("--labels: \(error)")
        }
        guard case .object(let o) = value else { throw ValidationError("--labels: expected an object such as '{job = \"app\"}'") }
        var dict: [String: String] = [:]
        for (k, v) in o {
            guard case .string(let s) = v else { throw ValidationError("--labels: the value of \(k) must be a string") }
            dict[k] = s
        }
        return LabelSet(dict)
    }
}
