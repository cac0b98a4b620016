import Codecs
import LogCore
import Evaluation
import Runtime

/// `loki.echo`: prints every entry it receives to standard output, one line each:
/// `<RFC 3339 nanosecond UTC timestamp> <labels> [<structured metadata>] <line>`, with line feeds and
/// carriage returns inside the line shown as `\n` and `\r`. Acknowledges a batch once it is written.
public final class LokiEchoComponent: TypedComponent, LogsReceiver {
    public struct Arguments: ComponentArguments {
        public init(_ d: inout BodyDecoder) {}
    }

    let id: String
    private let tap: LiveTap
    public init(options: ComponentOptions, arguments: Arguments) async throws {
        id = options.id
        tap = options.liveTap
    }

    public var exports: [String: Value] { ["receiver": ReceiverCapsule(ownerID: id, receiver: self).value] }

    public func run() async {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    public func update(arguments: Arguments) async throws {}

    public func receive(_ batch: EntryBatch) async {
        tap.publish(batch.entries, .received)
        var out: [UInt8] = []
        out.reserveCapacity(batch.entries.reduce(0) { $0 + $1.line.count + 96 })
        // A line a source read again after a restart only to rebuild a held entry was printed before.
        for e in batch.entries where !e.replayed { LokiEchoComponent.append(e, to: &out) }
        StandardOutput.shared.write(out)
    }

    /// Appends one entry in the echo format.
    static func append(_ e: LogEntry, to out: inout [UInt8]) {
        RFC3339.appendNano(e.timestamp, to: &out)
        out.append(32)
        e.labels.appendLogQL(to: &out)
        if !e.structuredMetadata.isEmpty {
            out.append(32)
            LabelSet.appendLogQL(e.structuredMetadata, to: &out)
        }
        out.append(32)
        for b in e.line {
            if b == 10 { out.append(contentsOf: [92, 110]) } else if b == 13 { out.append(contentsOf: [92, 114]) } else { out.append(b) }
        }
        out.append(10)
    }
}
