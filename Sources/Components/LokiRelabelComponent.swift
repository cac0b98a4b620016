import LogCore
import Logging
import Metrics
import Relabel
import Evaluation
import Runtime
import Synchronization

/// `loki.relabel`: applies `rule` blocks to each entry's labels and forwards what survives; an entry whose
/// labels are dropped or end up empty is discarded (and counted). Results are memoised per input label set.
public final class LokiRelabelComponent: TypedComponent, LogsReceiver {
    public struct Arguments: ComponentArguments {
        var forwardTo: [ReceiverRef]
        var maxCacheSize: Int
        public internal(set) var rules: [RelabelRule]
        public init(_ d: inout BodyDecoder) {
            forwardTo = d.required("forward_to")
            maxCacheSize = d.attribute("max_cache_size", default: 10000)
            if maxCacheSize < 0 { d.error("max_cache_size must not be negative", attribute: "max_cache_size") }
            rules = decodeRelabelRules(&d)
        }
    }

    /// A two-generation cache: lookups promote from the old generation; when the young one is full it becomes
    /// the old one. Bounded at twice `capacity`, close to LRU at a fraction of the cost.
    struct Cache {
        var capacity: Int
        var young: [LabelSet: LabelSet?] = [:]
        var old: [LabelSet: LabelSet?] = [:]
        mutating func get(_ k: LabelSet) -> LabelSet?? {
            if let v = young[k] { return v }
            if let v = old[k] { put(k, v); return v }
            return nil
        }
        mutating func put(_ k: LabelSet, _ v: LabelSet?) {
            guard capacity > 0 else { return }
            if young.count >= capacity {
                old = young
                young = [:]
            }
            young[k] = v
        }
        var count: Int { young.count + old.count }
    }

    private let id: String
    private let tap: LiveTap
    private let state: Mutex<(args: Arguments, cache: Cache)>
    private let processed: Counter, written: Counter, hits: Counter, misses: Counter
    private let cacheSize: Gauge
    private let dropped: Counter

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        id = options.id
        tap = options.liveTap
        state = Mutex((arguments, Cache(capacity: arguments.maxCacheSize)))
        let dims = [("component_id", options.id)]
        processed = Counter(label: "loki_relabel_entries_processed", dimensions: dims)
        written = Counter(label: "loki_relabel_entries_written", dimensions: dims)
        hits = Counter(label: "loki_relabel_cache_hits", dimensions: dims)
        misses = Counter(label: "loki_relabel_cache_misses", dimensions: dims)
        cacheSize = Gauge(label: "loki_relabel_cache_size", dimensions: dims)
        dropped = Counter(label: "tributary_relabel_dropped_entries_total", dimensions: dims)
    }

    public var exports: [String: Value] {
        let rules = state.withLock { $0.args.rules }
        return ["receiver": ReceiverCapsule(ownerID: id, receiver: self).value, "rules": .capsule(RulesCapsule(ownerID: id, rules: rules))]
    }

    public func run() async {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    public func update(arguments: Arguments) async throws {
        state.withLock { $0 = (arguments, Cache(capacity: arguments.maxCacheSize)) }
    }

    public func receive(_ batch: EntryBatch) async {
        tap.publish(batch.entries, .received)
        var out: [LogEntry] = []
        out.reserveCapacity(batch.count)
        var hitCount = 0, missCount = 0
        let (forward, size) = state.withLock { s -> (Fanout, Int) in
            for var e in batch.entries {
                let result: LabelSet?
                if let cached = s.cache.get(e.labels) {
                    hitCount += 1
                    result = cached
                } else {
                    missCount += 1
                    result = Relabeler.apply(s.args.rules, to: e.labels)
                    s.cache.put(e.labels, result)
                }
                guard let labels = result, !labels.isEmpty else { continue }
                e.labels = labels
                out.append(e)
            }
            return (s.args.forwardTo.fanout(tap), s.cache.count)
        }
        processed.increment(by: batch.count)
        hits.increment(by: hitCount)
        misses.increment(by: missCount)
        cacheSize.record(size)
        written.increment(by: out.count)
        if out.count < batch.count { dropped.increment(by: batch.count - out.count) }
        await forward.send(EntryBatch(out, held: batch.held, progress: batch.progress))
    }
}
