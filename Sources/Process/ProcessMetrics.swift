import Metrics

/// The metrics of one `loki.process` component (Alloy's names).
public final class ProcessMetrics: Sendable {
    let componentID: String
    public let criPartialLinesFlushed: Counter
    public let criLinesTruncated: Counter

    public init(componentID: String) {
        self.componentID = componentID
        let dims = [("component_id", componentID)]
        criPartialLinesFlushed = Counter(label: "loki_process_cri_partial_lines_flushed_total", dimensions: dims)
        criLinesTruncated = Counter(label: "loki_process_cri_lines_truncated_total", dimensions: dims)
    }

    /// `loki_process_dropped_lines_total{reason}`.
    public func dropped(_ reason: String, _ n: Int) {
        Counter(label: "loki_process_dropped_lines_total", dimensions: [("component_id", componentID), ("reason", reason)]).increment(by: n)
    }

    /// `loki_process_truncated_fields_total{field}`.
    public func truncatedField(_ field: String) {
        Counter(label: "loki_process_truncated_fields_total", dimensions: [("component_id", componentID), ("field", field)]).increment()
    }
}
