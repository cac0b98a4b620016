import Metrics

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

    func corrupt(_ n: Int) {
        Counter(label: "tributary_wal_corrupt_records_total", dimensions: [("component_id", componentID)]).increment(by: n)
    }
}
