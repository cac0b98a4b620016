import Codecs
import LogCore
import Metrics
import NIOCore
import NIOHTTP1
import Platform
import Runtime

/// The streaming answers of the web API, written on a connection until the client closes it: live debugging of one
/// component and the graph's rates. Each chunk ends with `|;|` (Alloy's framing). A client that does not read
/// keeps the socket unwritable: what it cannot take is dropped (and counted), never buffered without bound.
enum LiveStreams {
    /// `GET /api/v0/web/debug/{id}`: what the component receives (`[IN]`) and emits (`[OUT]`), sampled.
    static func debug(_ channel: any Channel, tap: LiveTap, sampleProbability: Double) async {
        let reader = LiveReader(capacity: 1000, sampleProbability: sampleProbability)
        let dropped = Counter(label: "tributary_live_debugging_dropped_total", dimensions: [("component_id", tap.componentID)])
        tap.attach(reader)
        defer { tap.detach(reader) }
        var reported = 0
        while channel.isActive {
            let chunks = await reader.take(timeout: .seconds(1))
            var lagging = 0
            if !chunks.isEmpty {
                if channel.isWritable {
                    var buffer = channel.allocator.buffer(capacity: chunks.reduce(0) { $0 + $1.count + 3 })
                    for c in chunks {
                        buffer.writeBytes(c)
                        buffer.writeBytes(separator)
                    }
                    channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
                } else {
                    lagging = chunks.count
                }
            }
            let now = reader.dropped
            if now + lagging > reported {
                dropped.increment(by: now + lagging - reported)
                reported = now + lagging
            }
        }
    }

    /// `GET /api/v0/web/graph[/{moduleID}]`: every `window`, the entries per second each component of the top level
    /// (or of the module) emitted in it, as Alloy's `[{"componentID", "targetComponentIDs", "type", "rate"}]` (full
    /// ids; empty targets: all the components it sends to).
    static func graph(_ channel: any Channel, hub: LiveDebugHub, window: Int, module: String?) async {
        let path = module.map { "/" + $0 } ?? "/"
        func taps() -> [LiveTap] { hub.allTaps.filter { ComponentMetrics.labels(forFullID: $0.componentID).path == path } }
        var last: [String: Int] = Dictionary(uniqueKeysWithValues: taps().map { ($0.componentID, $0.emittedCount) })
        while channel.isActive {
            try? await Task.sleep(for: .seconds(window))
            var rates: [JSON] = []
            for tap in taps().sorted(by: { $0.componentID < $1.componentID }) {
                let count = tap.emittedCount
                let delta = count - (last[tap.componentID] ?? 0)
                last[tap.componentID] = count
                guard delta > 0 else { continue }
                let rate = Double(delta) / Double(window)
                rates.append(.object([
                    ("componentID", .string(tap.componentID)),
                    ("targetComponentIDs", .array([])),
                    ("type", .string("loki_log")),
                    ("rate", .number(rate, GoFloat.formatPlain(rate))),
                ]))
            }
            guard channel.isWritable else { continue }
            var out: [UInt8] = []
            JSON.array(rates).write(to: &out)
            out += separator
            var buffer = channel.allocator.buffer(capacity: out.count)
            buffer.writeBytes(out)
            channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
        }
    }

    static let separator: [UInt8] = Array("|;|".utf8)
}
