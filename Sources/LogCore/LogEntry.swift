/// One log entry: when it happened, its line (bytes, usually UTF-8), its labels and structured metadata.
public struct LogEntry: Sendable {
    /// Unix time in nanoseconds.
    public var timestamp: Int64
    public var line: [UInt8]
    public var labels: LabelSet
    public var structuredMetadata: [Label]

    public init(timestamp: Int64, line: [UInt8], labels: LabelSet, structuredMetadata: [Label] = []) {
        self.timestamp = timestamp
        self.line = line
        self.labels = labels
        self.structuredMetadata = structuredMetadata
    }
}

/// A batch of entries handed from one component to the next in a single call.
public struct EntryBatch: Sendable {
    public var entries: [LogEntry]
    /// Where a stage that holds an entry past this batch records it (nil: the source does not track that).
    public var held: HeldEntries?
    public init(_ entries: [LogEntry], held: HeldEntries? = nil) {
        self.entries = entries
        self.held = held
    }
    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }
}

/// Something that accepts batches of entries (Alloy's `LogsReceiver`).
///
/// `receive` returns once the batch has been handled durably — written to a write-ahead log, printed, or
/// deliberately dropped (and counted) — which acknowledges it: a source advances its saved position only
/// after every receiver it forwards to has returned. A slow receiver therefore slows its sources down.
public protocol LogsReceiver: Sendable {
    func receive(_ batch: EntryBatch) async
}

/// Sends each batch to every receiver, in list order, waiting on each (Alloy's fan-out).
public struct Fanout: Sendable {
    public var receivers: [any LogsReceiver]
    public init(_ receivers: [any LogsReceiver]) { self.receivers = receivers }
    public func send(_ batch: EntryBatch) async {
        guard !batch.isEmpty else { return }
        for r in receivers { await r.receive(batch) }
    }
}
