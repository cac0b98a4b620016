import Synchronization

/// What `stage.metrics` does to a series.
public enum CustomMetricUpdate: Sendable {
    case counterAdd(Double)
    case gaugeSet(Double)
    case gaugeAdd(Double)
    case histogramObserve(buckets: [Double], value: Double)
}

/// The kind of a custom metric series, for removal.
public enum CustomMetricKind: Sendable { case counter, gauge, histogram }

/// Where `stage.metrics` series go. The executable installs one backed by its Prometheus registry (so the series
/// appear on `/metrics`); tests install a recording one. `componentID` is the full id of the `loki.process`
/// component the series belongs to (Alloy labels every series with its component).
public protocol CustomMetricsBackend: Sendable {
    func update(name: String, help: String, componentID: String, labels: [(String, String)], _ update: CustomMetricUpdate)
    func remove(name: String, kind: CustomMetricKind, componentID: String, labels: [(String, String)])
}

/// The installed backend (none: `stage.metrics` updates go nowhere, as with no metrics system bootstrapped).
public enum CustomMetrics {
    private static let installed = Mutex<(any CustomMetricsBackend)?>(nil)
    public static func install(_ backend: any CustomMetricsBackend) { installed.withLock { $0 = backend } }
    static var backend: (any CustomMetricsBackend)? { installed.withLock { $0 } }
}
