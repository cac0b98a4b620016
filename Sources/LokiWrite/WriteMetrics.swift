import Metrics

/// The buckets of `loki.write`'s histograms, for the metrics backend the executable sets up (swift-prometheus'
/// default value buckets, 5 … 10,000, would put every push in the first one).
public enum LokiWriteHistograms {
    public static let buckets: [String: [Double]] = [
        // Prometheus' default buckets, as Alloy's request duration uses: 5 ms … 10 s.
        "loki_write_request_duration_seconds": [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        // Compressed push bodies: 1 KiB … 16 MiB (the default batch_size is 1 MiB before compression).
        "loki_write_request_size_bytes": (0..<15).map { 1024 * pow2($0) },
        // From an entry's creation to its delivery (or drop): 10 ms … 1 h, so that "more than 5 minutes behind" shows.
        "loki_write_entry_propagation_latency_seconds": [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    ]

    private static func pow2(_ n: Int) -> Double { Double(1 << n) }
}

/// The metrics of `loki.write` (Alloy's names, plus `tributary_wal_*`).
struct WriteMetrics: Sendable {
    let componentID: String

    func sent(host: String, tenant: String, entries: Int, bytes: Int) {
        let d = [("component_id", componentID), ("host", host), ("tenant", tenant)]
        Counter(label: "loki_write_sent_entries_total", dimensions: d).increment(by: entries)
        Counter(label: "loki_write_sent_bytes_total", dimensions: d).increment(by: bytes)
    }

    func dropped(host: String, tenant: String, reason: String, entries: Int, bytes: Int) {
        let d = [("component_id", componentID), ("host", host), ("tenant", tenant), ("reason", reason)]
        Counter(label: "loki_write_dropped_entries_total", dimensions: d).increment(by: entries)
        Counter(label: "loki_write_dropped_bytes_total", dimensions: d).increment(by: bytes)
    }

    func retry(host: String, tenant: String) {
        Counter(label: "loki_write_batch_retries_total", dimensions: [("component_id", componentID), ("host", host), ("tenant", tenant)]).increment()
    }

    func request(host: String, tenant: String, status: Int, seconds: Double, size: Int) {
        Recorder(label: "loki_write_request_duration_seconds",
                 dimensions: [("component_id", componentID), ("status_code", String(status)), ("host", host), ("tenant", tenant)],
                 aggregate: true).record(seconds)
        Recorder(label: "loki_write_request_size_bytes", dimensions: [("component_id", componentID), ("host", host), ("tenant", tenant)],
                 aggregate: true).record(size)
    }

    func latency(host: String, tenant: String, seconds: Double) {
        Recorder(label: "loki_write_entry_propagation_latency_seconds",
                 dimensions: [("component_id", componentID), ("host", host), ("tenant", tenant)], aggregate: true).record(seconds)
    }

    func wal(bytes: Int64, segments: Int) {
        Gauge(label: "tributary_wal_bytes", dimensions: [("component_id", componentID)]).record(bytes)
        Gauge(label: "tributary_wal_segments", dimensions: [("component_id", componentID)]).record(segments)
    }

    func replayed(_ n: Int) {
        Counter(label: "tributary_wal_replayed_entries_total", dimensions: [("component_id", componentID)]).increment(by: n)
    }

    /// Entries of the batches that were being sent when the agent stopped, sent again after the restart.
    func resent(_ n: Int) {
        Counter(label: "tributary_replayed_entries_total", dimensions: [("component_id", componentID), ("reason", "wal_resend")]).increment(by: n)
    }

    func missingSegments(_ n: Int) {
        Counter(label: "tributary_wal_missing_segments_total", dimensions: [("component_id", componentID)]).increment(by: n)
    }

    func corrupt(_ n: Int) {
        Counter(label: "tributary_wal_corrupt_records_total", dimensions: [("component_id", componentID)]).increment(by: n)
    }
}
