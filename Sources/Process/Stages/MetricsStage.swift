import Platform
import Codecs
import LogCore

/// `stage.metrics`: counters, gauges and histograms defined by nested `metric.counter`, `metric.gauge` and
/// `metric.histogram` blocks, updated from extracted values; series carry the component's labels and the entry's
/// labels (without reserved ones) and are removed after `max_idle_duration` without an update.
final class MetricsStage: EntryStage {
    enum Kind { case counter, gauge, histogram }

    struct Metric {
        var kind: Kind
        var name: String
        var help: String
        var source: String
        var value: String?
        var action: String
        var matchAll: Bool
        var countBytes: Bool
        var buckets: [Double]
        var maxIdle: Int64
    }

    let metrics: [Metric]
    /// The labels every series gets from its component; an entry's labels of these names are left out.
    static let componentLabels: Set<String> = ["component_id", "component_path"]
    private var lastUpdate: [String: (metric: Int, labels: [(String, String)], at: Int64)] = [:]

    init(_ a: inout some StageArguments) {
        var ms: [Metric] = []
        for (blockName, kind) in [("metric.counter", Kind.counter), ("metric.gauge", .gauge), ("metric.histogram", .histogram)] {
            for var b in a.blocks(blockName) {
                let name = b.requiredString("name")
                let prefix = b.string("prefix") ?? "loki_process_custom_"
                let help = b.string("description") ?? ""
                let sourceText = b.string("source") ?? ""
                let value = b.string("value").flatMap { $0.isEmpty ? nil : $0 }
                let maxIdle = b.duration("max_idle_duration") ?? 300_000_000_000
                if MetricsStage.reserved(prefix + name) {
                    b.error("metric name \(prefix + name) is one of Tributary's own metrics", attribute: "name")
                }
                if maxIdle < 1_000_000_000 { b.error("max_idle_duration must be at least 1s", attribute: "max_idle_duration") }
                var action = "", matchAll = false, countBytes = false, buckets: [Double] = []
                switch kind {
                case .counter:
                    action = b.requiredString("action")
                    matchAll = b.bool("match_all") ?? false
                    countBytes = b.bool("count_entry_bytes") ?? false
                    if action != "inc" && action != "add" { b.error("counter action must be inc or add", attribute: "action") }
                    if countBytes && !(matchAll && action == "add") {
                        b.error("count_entry_bytes requires match_all = true and action = \"add\"", attribute: "count_entry_bytes")
                    }
                    if matchAll && value != nil { b.error("match_all and value cannot both be set", attribute: "match_all") }
                case .gauge:
                    action = b.requiredString("action")
                    if !["inc", "dec", "set", "add", "sub"].contains(action) {
                        b.error("gauge action must be one of inc, dec, set, add, sub", attribute: "action")
                    }
                case .histogram:
                    buckets = b.doubles("buckets") ?? []
                    if buckets.isEmpty { b.error("missing required attribute \"buckets\"", attribute: nil) }
                }
                ms.append(Metric(kind: kind, name: prefix + name, help: help, source: sourceText.isEmpty ? name : sourceText,
                                 value: value, action: action, matchAll: matchAll, countBytes: countBytes,
                                 buckets: buckets.sorted(), maxIdle: maxIdle))
                a.absorb(&b)
            }
        }
        if ms.isEmpty { a.error("at least one metric.counter, metric.gauge or metric.histogram block is required", attribute: nil) }
        metrics = ms
    }

    /// Names Tributary registers itself; a custom metric may not take them.
    static func reserved(_ name: String) -> Bool {
        for p in ["loki_source_", "loki_relabel_", "loki_write_", "tributary_", "loki_process_dropped_", "loki_process_cri_",
                  "loki_process_truncated_"] where name.hasPrefix(p) { return true }
        return false
    }

    /// Numbers and bools (1/0) as they are; strings as a float, else as a Go duration in seconds.
    static func float(_ v: ExtractedValue) -> Double? {
        switch v {
        case .number(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .null: return nil
        default:
            guard let s = v.stringValue else { return nil }
            if let d = Double(s) { return d }
            return (try? GoDuration.parse(s)).map { Double($0) / 1e9 }
        }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        guard let backend = CustomMetrics.backend else { return nil }
        let labels = e.entry.labels.labels.filter { !$0.name.hasPrefix("__") && !MetricsStage.componentLabels.contains($0.name) }
            .map { ($0.name, $0.value) }
        let now = WallClock.nowNanoseconds()
        for (i, m) in metrics.enumerated() {
            var update: CustomMetricUpdate? = nil
            if m.kind == .counter && m.matchAll {
                update = .counterAdd(m.countBytes ? Double(e.entry.line.count) : 1)
            } else {
                guard let v = e.extracted[m.source] else { continue }
                if let want = m.value, v.stringValue != want { continue }
                let f = MetricsStage.float(v)
                switch (m.kind, m.action) {
                case (.counter, "inc"): update = .counterAdd(1)
                case (.counter, "add"): if let f, f >= 0 { update = .counterAdd(f) }
                case (.gauge, "inc"): update = .gaugeAdd(1)
                case (.gauge, "dec"): update = .gaugeAdd(-1)
                case (.gauge, "set"): if let f { update = .gaugeSet(f) }
                case (.gauge, "add"): if let f { update = .gaugeAdd(f) }
                case (.gauge, "sub"): if let f { update = .gaugeAdd(-f) }
                case (.histogram, _): if let f { update = .histogramObserve(buckets: m.buckets, value: f) }
                default: break
                }
            }
            guard let update else { continue }
            backend.update(name: m.name, help: m.help, componentID: ctx.componentID, labels: labels, update)
            lastUpdate[m.name + "\u{0}" + e.entry.labels.description] = (i, labels, now)
        }
        return nil
    }

    func flush(nowNanoseconds: Int64, force: Bool, into out: inout [ProcessEntry], _ ctx: PipelineContext) {
        guard let backend = CustomMetrics.backend else { return }
        for (key, u) in lastUpdate where force || nowNanoseconds - u.at > metrics[u.metric].maxIdle {
            let m = metrics[u.metric]
            backend.remove(name: m.name, kind: m.kind == .counter ? .counter : (m.kind == .gauge ? .gauge : .histogram),
                           componentID: ctx.componentID, labels: u.labels)
            lastUpdate[key] = nil
        }
    }
}
