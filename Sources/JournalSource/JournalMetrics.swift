import Metrics

/// The metrics of one `loki.source.journal` component: Alloy's names, plus Tributary's drop counter and lag.
struct JournalMetrics {
    /// Entries forwarded.
    let lines: Counter
    /// Alloy's count of entries skipped for `no_message` and `empty_labels`.
    let parsingErrors: [JournalSkipReason: Counter]
    /// Every entry not forwarded, by reason.
    let dropped: [JournalSkipReason: Counter]
    /// Seconds between now and the last entry read; 0 once the reader reached the end of the journal.
    let lag: Gauge
    /// 1 while the journal is open and read, 0 while it cannot be opened.
    let open: Gauge

    init(componentID: String) {
        let dims = [("component_id", componentID)]
        lines = Counter(label: "loki_source_journal_target_lines_total", dimensions: dims)
        var parsing: [JournalSkipReason: Counter] = [:]
        for r in [JournalSkipReason.noMessage, .emptyLabels] {
            parsing[r] = Counter(label: "loki_source_journal_target_parsing_errors_total", dimensions: dims + [("error", r.rawValue)])
        }
        parsingErrors = parsing
        var drops: [JournalSkipReason: Counter] = [:]
        for r in JournalSkipReason.allCases {
            drops[r] = Counter(label: "tributary_source_journal_dropped_entries_total", dimensions: dims + [("reason", r.rawValue)])
        }
        dropped = drops
        lag = Gauge(label: "tributary_source_journal_lag_seconds", dimensions: dims)
        open = Gauge(label: "tributary_source_journal_open", dimensions: dims)
    }
}
