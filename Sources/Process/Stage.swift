import LogCore
import Logging

/// What a stage can report while it works: drops (counted in `loki_process_dropped_lines_total{reason}`) and
/// problems worth a log line.
public final class PipelineContext: @unchecked Sendable {
    public var drops: [String: Int] = [:]
    public let logger: Logger
    public let componentID: String
    public let metrics: ProcessMetrics
    /// The source's record of held entries for the batch being processed (nil: untracked, or a timed flush).
    public let held: HeldEntries?

    public init(componentID: String, logger: Logger, metrics: ProcessMetrics, held: HeldEntries? = nil) {
        self.componentID = componentID
        self.logger = logger
        self.metrics = metrics
        self.held = held
    }

    public func drop(_ reason: String, count: Int = 1) { drops[reason, default: 0] += count }
}

/// One `stage.*` block. A stage processes a batch of entries in order and appends what continues to `out`;
/// it may drop entries (reporting a reason), hold them (CRI partial lines, multiline blocks) or emit several.
public protocol Stage: AnyObject {
    /// Replaces `entries` (in order) with what continues past this stage.
    func process(_ entries: inout [ProcessEntry], _ ctx: PipelineContext)
    /// Emits held entries whose time has come (`force` at shutdown or pipeline rebuild).
    func flush(nowNanoseconds: Int64, force: Bool, into out: inout [ProcessEntry], _ ctx: PipelineContext)
    /// The extracted keys the stage may read; nil when it may read any (the safe default).
    var extractedKeysRead: Set<String>? { get }
    /// Told by the pipeline which extracted keys later stages may read (nil: any), so that a stage filling the
    /// map can skip values nobody will read.
    func extractedKeysReadDownstream(_ keys: Set<String>?)
}

extension Stage {
    public var extractedKeysRead: Set<String>? { nil }
    public func extractedKeysReadDownstream(_ keys: Set<String>?) {}
}

/// A stage that looks at one entry at a time and keeps no entries back.
public protocol EntryStage: Stage {
    /// Changes the entry; returns a drop reason to discard it.
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String?
}

extension EntryStage {
    /// Changes entries in place and closes the gaps of dropped ones: no copy of an entry, no new array.
    public func process(_ entries: inout [ProcessEntry], _ ctx: PipelineContext) {
        var write = 0
        for read in entries.indices {
            if let reason = apply(&entries[read], ctx) {
                ctx.drop(reason)
                continue
            }
            if write != read { entries.swapAt(write, read) }
            write += 1
        }
        if write < entries.count { entries.removeLast(entries.count - write) }
    }
}

extension Stage {
    public func flush(nowNanoseconds: Int64, force: Bool, into out: inout [ProcessEntry], _ ctx: PipelineContext) {}
}

/// An ordered list of stages.
public final class Pipeline: @unchecked Sendable {
    public let stages: [any Stage]

    /// - Parameter extractedReadAfter: whether something after these stages may read the extracted map (true for
    ///   a `stage.match`'s nested stages, whose extracted values later stages see; false for a whole `loki.process`).
    public init(_ stages: [any Stage], extractedReadAfter: Bool = true) {
        self.stages = stages
        var downstream: Set<String>? = extractedReadAfter ? nil : []
        for stage in stages.reversed() {
            stage.extractedKeysReadDownstream(downstream)
            if let d = downstream, let mine = stage.extractedKeysRead { downstream = d.union(mine) } else { downstream = nil }
        }
    }

    /// Runs `entries` through every stage in order.
    public func process(_ entries: consuming [ProcessEntry], _ ctx: PipelineContext) -> [ProcessEntry] {
        var current = consume entries   // owned, so the first stage changes it in place instead of copying it
        for stage in stages {
            stage.process(&current, ctx)
            if current.isEmpty { break }
        }
        return current
    }

    /// Runs a received batch through the stages: each entry is wrapped once (with its extracted map) on the way in,
    /// and moved out, not copied, on the way out. `holds` are the claims on the source's position of entries that
    /// were held by a stage: the caller keeps them until the entries are forwarded.
    public func run(_ entries: [LogEntry], _ ctx: PipelineContext) -> (entries: [LogEntry], holds: [HoldToken]) {
        var current: [ProcessEntry] = []
        current.reserveCapacity(entries.count)
        for e in entries { current.append(ProcessEntry(e)) }
        return Pipeline.unwrap(process(consume current, ctx))
    }

    /// Moves each entry out of its wrapper (swapped with an empty one: no reference counting per entry).
    public static func unwrap(_ processed: consuming [ProcessEntry]) -> (entries: [LogEntry], holds: [HoldToken]) {
        var wrapped = consume processed
        var entries: [LogEntry] = []
        entries.reserveCapacity(wrapped.count)
        var holds: [HoldToken] = []
        wrapped.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices {
                var e = LogEntry(timestamp: 0, line: [], labels: LabelSet())
                swap(&e, &buffer[i].entry)
                entries.append(e)
                if let h = buffer[i].hold { holds.append(h) }
            }
        }
        return (entries, holds)
    }

    /// Flushes held entries: each stage's flushed entries continue through the stages after it.
    public func flush(nowNanoseconds: Int64, force: Bool, _ ctx: PipelineContext) -> [ProcessEntry] {
        var carried: [ProcessEntry] = []
        for stage in stages {
            if !carried.isEmpty { stage.process(&carried, ctx) }
            stage.flush(nowNanoseconds: nowNanoseconds, force: force, into: &carried, ctx)
        }
        return carried
    }
}
