import Metrics

/// The per-file metrics of `loki.source.file` (Alloy's names), removed when the tailer stops.
struct TailerMetrics {
    let readLines: Counter
    let readBytes: Gauge        // last acknowledged offset
    let fileBytes: Gauge        // file size
    let encodingFailures: Counter
    let truncatedLines: Counter
    /// Lines read a second time after a restart to rebuild held entries (per component: never destroyed).
    let rereadLines: Counter

    init(componentID: String, path: String) {
        let dims = [("component_id", componentID), ("path", path)]
        readLines = Counter(label: "loki_source_file_read_lines_total", dimensions: dims)
        readBytes = Gauge(label: "loki_source_file_read_bytes_total", dimensions: dims)
        fileBytes = Gauge(label: "loki_source_file_file_bytes_total", dimensions: dims)
        encodingFailures = Counter(label: "loki_source_file_encoding_failures_total", dimensions: dims)
        truncatedLines = Counter(label: "tributary_source_file_truncated_lines_total", dimensions: dims)
        rereadLines = Counter(label: "tributary_replayed_entries_total",
                              dimensions: [("component_id", componentID), ("reason", "source_reread")])
    }

    func destroy() {
        readLines.destroy()
        readBytes.destroy()
        fileBytes.destroy()
        encodingFailures.destroy()
        truncatedLines.destroy()
    }
}
