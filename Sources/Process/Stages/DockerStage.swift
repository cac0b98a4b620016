import Codecs
import LogCore

/// `stage.docker`: parses Docker's json-file lines (`{"log":…,"stream":…,"time":…}`): the line becomes `log`
/// (its trailing newline kept), label `stream` is set, the timestamp comes from `time`.
final class DockerStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    init(_ a: inout some StageArguments) {}

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        guard let doc = e.entry.line.withUnsafeBytes({ try? JSON.parse($0) }), case .object(let fields) = doc else { return nil }
        func field(_ name: String) -> JSON? { fields.last { $0.0.lowercased() == name }?.1 }
        guard case .string(let log)? = field("log"), !log.isEmpty else { return nil }
        e.extracted["output"] = .string(log)
        if case .string(let stream)? = field("stream") {
            e.extracted["stream"] = .string(stream)
            e.entry.labels["stream"] = stream
        }
        if case .string(let time)? = field("time") {
            e.extracted["timestamp"] = .string(time)
            if let ts = RFC3339.parse(time) { e.entry.timestamp = ts }
        }
        e.entry.line = Array(log.utf8)
        return nil
    }
}
