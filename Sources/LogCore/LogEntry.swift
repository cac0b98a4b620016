/// One log entry: when it happened, its line (bytes, usually UTF-8), its labels and structured metadata.
public struct LogEntry: Sendable {
    /// Unix time in nanoseconds.
    public var timestamp: Int64
    public var line: [UInt8]
    public var labels: LabelSet
    public var structuredMetadata: [Label]
    /// `origin + 1` in the low 63 bits (0: unknown) and `replayed` in the top bit: one word, so that an entry stays
    /// 40 bytes.
    private var provenance: UInt64 = 0

    /// Where the entry's (first) line starts in its source, for a source that can read it again after a restart
    /// (a file offset); -1 when the source does not say.
    public var origin: Int64 {
        get { Int64(bitPattern: provenance & ~LogEntry.replayedBit) - 1 }
        set { provenance = (provenance & LogEntry.replayedBit) | (UInt64(bitPattern: max(-1, newValue) + 1) & ~LogEntry.replayedBit) }
    }

    /// Set on an entry that a source read again after a restart only so that a stage rebuilds an entry it held
    /// at the crash: it was delivered before, and a durable receiver skips it. Stages pass the flag on from the
    /// input they were processing when they emitted an entry, so a held entry completed by a new line is new.
    public var replayed: Bool {
        get { provenance & LogEntry.replayedBit != 0 }
        set { provenance = newValue ? provenance | LogEntry.replayedBit : provenance & ~LogEntry.replayedBit }
    }

    private static let replayedBit: UInt64 = 1 << 63

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
    /// How far the source has read once this batch is handled: a durable receiver records it in the same step as
    /// the entries (nil: the source does not track it, or the batch was not read by a source).
    public var progress: SourceProgress?

    public init(_ entries: [LogEntry], held: HeldEntries? = nil, progress: SourceProgress? = nil) {
        self.entries = entries
        self.held = held
        self.progress = progress
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

/// Sends each batch to every receiver, in list order, waiting on each (Alloy's fan-out), and shows it to the
/// sending component's live-debugging readers.
public struct Fanout: Sendable {
    public var receivers: [any LogsReceiver]
    /// The sending component's live-debugging tap (nil: not shown).
    public var tap: LiveTap?
    public init(_ receivers: [any LogsReceiver], tap: LiveTap? = nil) {
        self.receivers = receivers
        self.tap = tap
    }
    public func send(_ batch: EntryBatch) async {
        guard !batch.isEmpty else { return }
        tap?.publish(batch.entries, .emitted)
        for r in receivers { await r.receive(batch) }
    }
}
