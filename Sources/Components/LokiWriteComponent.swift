import HTTPClientSupport
import LogCore
import Logging
import LokiWrite
import Evaluation
import Runtime
import Synchronization

/// `loki.write`: accepts entries into a write-ahead log (always on, 1 GiB by default) and pushes them to every
/// `endpoint` as gzip JSON, each endpoint from its own position in the log.
public final class LokiWriteComponent: TypedComponent, LogsReceiver, DebugInfoReporting {
    public struct Arguments: ComponentArguments {
        var config: WriterConfig

        /// Values are read over `WriterConfig`'s and `EndpointConfig`'s defaults, which are checked by those types.
        public init(_ d: inout BodyDecoder) {
            var endpoints: [EndpointConfig] = []
            var drain: Duration? = nil
            var names = Set<String>()
            for var e in d.blocks("endpoint") {
                let url: String = e.required("url")
                var c = EndpointConfig(url: url, name: e.attribute("name", default: ""))
                if c.name.isEmpty { c.name = EndpointConfig.defaultName(url) }
                if !names.insert(c.name).inserted { e.error("duplicate endpoint name \"\(c.name)\"", attribute: "name") }
                e.read("batch_wait", into: &c.batchWait)
                e.readSize("batch_size", into: &c.batchSize)
                e.read("remote_timeout", into: &c.remoteTimeout)
                e.read("headers", into: &c.headers)
                let tenant: String = e.attribute("tenant_id", default: "")
                if !tenant.isEmpty { c.tenantID = tenant }
                e.read("min_backoff_period", into: &c.minBackoff)
                e.read("max_backoff_period", into: &c.maxBackoff)
                e.read("max_backoff_retries", into: &c.maxBackoffRetries)
                e.read("drop_after_max_retries", into: &c.dropAfterRetries)
                e.read("retry_on_http_429", into: &c.retryOn429)
                e.read("gzip_level", into: &c.gzipLevel)
                c.client = HTTPClientArguments.decode(&e)
                if var q = e.block("queue_config") {
                    // Alloy's in-memory queue and its shards: Tributary's write-ahead log and its one sender per
                    // endpoint take their place, so these are read (and type-checked) but change nothing.
                    if q.optional("capacity", as: ByteSize.self) != nil {
                        q.warning("queue_config.capacity has no effect in Tributary: entries wait in the write-ahead log (wal.max_size), not in a memory queue", attribute: "capacity")
                    }
                    if q.optional("min_shards", as: Int.self) != nil {
                        q.warning("queue_config.min_shards has no effect in Tributary: each endpoint has one sender, reading the write-ahead log in order", attribute: "min_shards")
                    }
                    if q.optional("block_on_overflow", as: Bool.self) != nil {
                        q.warning("queue_config.block_on_overflow has no effect in Tributary: a full write-ahead log holds sources back (wal.on_full = \"backpressure\") or drops its oldest segment (\"drop_oldest\")", attribute: "block_on_overflow")
                    }
                    drain = q.optional("drain_timeout", as: Duration.self) ?? drain
                    e.absorb(&q)
                }
                e.report(c.problems)
                endpoints.append(c)
                d.absorb(&e)
            }
            if endpoints.isEmpty { d.error("missing required block \"endpoint\"") }
            config = WriterConfig(endpoints: endpoints)
            d.read("external_labels", into: &config.externalLabels)
            d.read("max_streams", into: &config.maxStreams)
            if let drain { config.drainTimeout = drain }
            if var w = d.block("wal") {
                if !w.attribute("enabled", default: true) {
                    w.warning("wal.enabled = false has no effect: Tributary always writes entries to its write-ahead log before acknowledging them", attribute: "enabled")
                }
                w.read("max_segment_age", into: &config.walMaxSegmentAge)
                for name in ["min_read_frequency", "max_read_frequency"] where w.optional(name, as: Duration.self) != nil {
                    w.warning("wal.\(name) has no effect in Tributary: senders are woken by every append, not by polling the log", attribute: name)
                }
                w.read("drain_timeout", into: &config.drainTimeout)
                w.readSize("max_size", into: &config.walMaxSize)
                w.readSize("segment_size", into: &config.walSegmentSize)
                w.read("fsync_interval", into: &config.fsyncInterval)
                if let policy = w.optional("on_full", as: String.self) {
                    if let p = WALFullPolicy(rawValue: policy) { config.onFull = p } else {
                        w.error("on_full must be backpressure or drop_oldest", attribute: "on_full")
                    }
                }
                w.report(config.walProblems)
                d.absorb(&w)
            }
        }
    }

    private let options: ComponentOptions
    private let logger: Logger
    private let writer: Mutex<LokiWriter>
    private let delivery = InnerTask()

    private let tap: LiveTap

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        tap = options.liveTap
        logger = options.logger
        writer = Mutex(try LokiWriter(componentID: options.id, directory: options.dataPath + "/wal", config: arguments.config, logger: logger,
                                     ledger: options.shared.object { SourceLedger() }))
    }

    public var exports: [String: Value] { ["receiver": ReceiverCapsule(ownerID: options.id, receiver: self).value] }

    /// The write-ahead log's size, and each endpoint's delivery position, undelivered bytes and last error.
    public var debugInfo: [EvaluatedStatement] {
        let s = writer.withLock { $0 }.state
        var out: [EvaluatedStatement] = [
            .attribute(name: "wal_bytes", value: .number(.int(s.walBytes))),
            .attribute(name: "wal_segments", value: .number(.int(Int64(s.walSegments)))),
        ]
        for e in s.endpoints {
            out.append(.block(name: "endpoint", label: "", body: [
                .attribute(name: "name", value: .string(e.name)),
                .attribute(name: "url", value: .string(e.url)),
                .attribute(name: "position", value: .string(e.position)),
                .attribute(name: "pending_bytes", value: .number(.int(e.pendingBytes))),
                .attribute(name: "last_error", value: .string(e.lastError)),
            ]))
        }
        return out
    }

    public func receive(_ batch: EntryBatch) async {
        tap.publish(batch.entries, .received)
        let current = writer.withLock { $0 }
        await current.receive(batch)
    }

    public func run() async {
        let current = writer.withLock { $0 }
        delivery.start { await current.run() }
        await delivery.parkThenStop()
    }

    public func update(arguments: Arguments) async throws {
        guard writer.withLock({ $0.config }) != arguments.config else { return }
        await delivery.stop()
        let fresh = try LokiWriter(componentID: options.id, directory: options.dataPath + "/wal", config: arguments.config, logger: logger,
                                   ledger: options.shared.object { SourceLedger() })
        writer.withLock { $0 = fresh }
        delivery.start { await fresh.run() }
    }
}
