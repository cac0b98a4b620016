import HTTPClientSupport
import LogCore
import Logging
import LokiWrite
import Evaluation
import Runtime
import Synchronization

/// `loki.write`: accepts entries into a write-ahead log (always on, 1 GiB by default) and pushes them to every
/// `endpoint` as gzip JSON, each endpoint from its own position in the log.
public final class LokiWriteComponent: TypedComponent, LogsReceiver {
    public struct Arguments: ComponentArguments {
        var config: WriterConfig

        public init(_ d: inout BodyDecoder) {
            var endpoints: [EndpointConfig] = []
            var drain: AlloyDuration = .seconds(15)
            var names = Set<String>()
            for var e in d.blocks("endpoint") {
                let url: String = e.required("url")
                var c = EndpointConfig(url: url, name: e.attribute("name", default: ""))
                if c.name.isEmpty { c.name = Arguments.defaultName(url) }
                if !names.insert(c.name).inserted { e.error("duplicate endpoint name \"\(c.name)\"", attribute: "name") }
                if !(url.hasPrefix("http://") || url.hasPrefix("https://")) { e.error("url must start with http:// or https://", attribute: "url") }
                c.batchWait = e.attribute("batch_wait", default: AlloyDuration.seconds(1)).swiftDuration
                c.batchSize = Int(e.attribute("batch_size", default: ByteSize(bytes: 1 << 20)).bytes)
                c.remoteTimeout = e.attribute("remote_timeout", default: AlloyDuration.seconds(10)).swiftDuration
                c.headers = e.attribute("headers", default: [String: String]())
                let tenant: String = e.attribute("tenant_id", default: "")
                c.tenantID = tenant.isEmpty ? nil : tenant
                c.minBackoff = e.attribute("min_backoff_period", default: AlloyDuration.milliseconds(500)).swiftDuration
                c.maxBackoff = e.attribute("max_backoff_period", default: AlloyDuration.seconds(300)).swiftDuration
                c.maxBackoffRetries = e.attribute("max_backoff_retries", default: 10)
                c.dropAfterRetries = e.attribute("drop_after_max_retries", default: false)
                c.retryOn429 = e.attribute("retry_on_http_429", default: true)
                c.gzipLevel = e.attribute("gzip_level", default: 1)
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
                    drain = q.attribute("drain_timeout", default: drain)
                    e.absorb(&q)
                }
                endpoints.append(c)
                d.absorb(&e)
            }
            if endpoints.isEmpty { d.error("missing required block \"endpoint\"") }
            config = WriterConfig(endpoints: endpoints)
            config.externalLabels = d.attribute("external_labels", default: [String: String]())
            config.maxStreams = d.attribute("max_streams", default: 0)
            config.drainTimeout = drain.swiftDuration
            if var w = d.block("wal") {
                if !w.attribute("enabled", default: true) {
                    w.warning("wal.enabled = false has no effect: Tributary always writes entries to its write-ahead log before acknowledging them", attribute: "enabled")
                }
                config.walMaxSegmentAge = w.attribute("max_segment_age", default: AlloyDuration.seconds(3600)).swiftDuration
                if config.walMaxSegmentAge <= .zero { w.error("max_segment_age must be positive", attribute: "max_segment_age") }
                for name in ["min_read_frequency", "max_read_frequency"] where w.optional(name, as: AlloyDuration.self) != nil {
                    w.warning("wal.\(name) has no effect in Tributary: senders are woken by every append, not by polling the log", attribute: name)
                }
                config.drainTimeout = w.attribute("drain_timeout", default: drain).swiftDuration
                config.walMaxSize = w.attribute("max_size", default: ByteSize(bytes: 1 << 30)).bytes
                config.walSegmentSize = w.attribute("segment_size", default: ByteSize(bytes: 64 << 20)).bytes
                config.fsyncInterval = w.attribute("fsync_interval", default: AlloyDuration.seconds(1)).swiftDuration
                let policy: String = w.attribute("on_full", default: "backpressure")
                if let p = WALFullPolicy(rawValue: policy) { config.onFull = p } else {
                    w.error("on_full must be backpressure or drop_oldest", attribute: "on_full")
                }
                if config.walMaxSize < 1 << 20 { w.error("max_size must be at least 1MiB", attribute: "max_size") }
                d.absorb(&w)
            }
        }

        static func defaultName(_ url: String) -> String {
            var h: UInt64 = 0xcbf29ce484222325
            for b in url.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
            return String(String(h, radix: 16).prefix(6))
        }
    }

    private let options: ComponentOptions
    private let logger: Logger
    private let writer: Mutex<LokiWriter>
    private let delivery = InnerTask()

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        var l = Logger(label: "tributary")
        l[metadataKey: "component"] = "\(options.id)"
        logger = l
        writer = Mutex(try LokiWriter(componentID: options.id, directory: options.dataPath + "/wal", config: arguments.config, logger: l))
    }

    public var exports: [String: Value] { ["receiver": ReceiverCapsule(ownerID: options.id, receiver: self).value] }

    public func receive(_ batch: EntryBatch) async {
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
        let fresh = try LokiWriter(componentID: options.id, directory: options.dataPath + "/wal", config: arguments.config, logger: logger)
        writer.withLock { $0 = fresh }
        delivery.start { await fresh.run() }
    }
}
