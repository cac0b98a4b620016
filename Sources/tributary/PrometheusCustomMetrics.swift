import Logging
import Process
import Prometheus
import Runtime
import Synchronization

/// Puts `stage.metrics` series into the agent's Prometheus registry, so they appear on `/metrics`, each labelled
/// with its component as Alloy labels them (``ComponentMetrics``).
///
/// The registry refuses (by stopping the process) a name reused with another type or help text; such updates are
/// ignored here instead, logged once per name.
final class PrometheusCustomMetrics: CustomMetricsBackend {
    private struct Family: Equatable {
        var kind: CustomMetricKind
        var help: String
    }
    private let state = Mutex<(families: [String: Family], logged: Set<String>)>(([:], []))
    private let logger = Logger(label: "tributary")
    private let registry: PrometheusCollectorRegistry
    private let counters = Mutex<[String: Counter]>([:])
    private let gauges = Mutex<[String: Gauge]>([:])
    private let histograms = Mutex<[String: ValueHistogram]>([:])

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    private func key(_ name: String, _ labels: [(String, String)]) -> String {
        name + "{" + labels.map { "\($0.0)=\($0.1)" }.joined(separator: "\u{0}") + "}"
    }

    private func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Whether a series of this shape may be registered under `name` (the first shape seen wins).
    private func admit(_ name: String, _ family: Family) -> Bool {
        let (ok, firstRefusal) = state.withLock { s -> (Bool, Bool) in
            guard let existing = s.families[name] else {
                s.families[name] = family
                return (true, false)
            }
            if existing == family { return (true, false) }
            return (false, s.logged.insert(name).inserted)
        }
        if firstRefusal {
            logger.error("stage.metrics series ignored: the metric name is already used with another type or description",
                         metadata: ["metric": "\(name)"])
        }
        return ok
    }

    func update(name: String, help: String, componentID: String, labels: [(String, String)], _ update: CustomMetricUpdate) {
        guard let labels = ComponentMetrics.dimensions([("component_id", componentID)] + labels) else { return }
        let kind: CustomMetricKind
        switch update {
        case .counterAdd: kind = .counter
        case .gaugeSet, .gaugeAdd: kind = .gauge
        case .histogramObserve: kind = .histogram
        }
        guard admit(name, Family(kind: kind, help: help)) else { return }
        let k = key(name, labels)
        switch update {
        case .counterAdd(let v):
            let c = counters.withLock { m in
                if let c = m[k] { return c }
                let c = registry.makeCounter(descriptor: descriptor(name, help), labels: labels)
                m[k] = c
                return c
            }
            c.increment(by: v)
        case .gaugeSet(let v), .gaugeAdd(let v):
            let g = gauges.withLock { m in
                if let g = m[k] { return g }
                let g = registry.makeGauge(descriptor: descriptor(name, help), labels: labels)
                m[k] = g
                return g
            }
            if case .gaugeSet = update { g.set(to: v) } else { g.increment(by: v) }
        case .histogramObserve(let buckets, let v):
            let h = histograms.withLock { m in
                if let h = m[k] { return h }
                let h = registry.makeValueHistogram(descriptor: descriptor(name, help), labels: labels, buckets: buckets)
                m[k] = h
                return h
            }
            h.record(v)
        }
    }

    func remove(name: String, kind: CustomMetricKind, componentID: String, labels: [(String, String)]) {
        guard let labels = ComponentMetrics.dimensions([("component_id", componentID)] + labels) else { return }
        let k = key(name, labels)
        switch kind {
        case .counter: if let c = counters.withLock({ $0.removeValue(forKey: k) }) { registry.unregisterCounter(c) }
        case .gauge: if let g = gauges.withLock({ $0.removeValue(forKey: k) }) { registry.unregisterGauge(g) }
        case .histogram: if let h = histograms.withLock({ $0.removeValue(forKey: k) }) { registry.unregisterValueHistogram(h) }
        }
    }
}
