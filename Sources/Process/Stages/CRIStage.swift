import Codecs
import LogCore

/// `stage.cri`: parses the CRI log format (`<time> <stream> <P|F> <message>`) and joins partial lines.
/// Sets extracted `time`, `stream`, `flags`, `content`, the label `stream`, the timestamp, and the line to the
/// message. `P` fragments are held per label set (stdout and stderr apart) until their `F` arrives.
final class CRIStage: Stage {
    let maxPartialLines: Int
    let maxPartialLineSize: Int
    let truncate: Bool
    private var pending: [LabelSet: ProcessEntry] = [:]
    private var pendingOrder: [LabelSet] = []
    /// The last input label set and its versions with `stream` added: entries of one file share them.
    private var lastInput: LabelSet? = nil
    private var withStream: [LabelSet?] = [nil, nil]

    init(_ a: inout some StageArguments) {
        maxPartialLines = a.int("max_partial_lines") ?? 100
        maxPartialLineSize = a.int("max_partial_line_size") ?? 0
        truncate = a.bool("max_partial_line_size_truncate") ?? false
        if maxPartialLines <= 0 { a.error("max_partial_lines must be greater than 0", attribute: "max_partial_lines") }
        if truncate && maxPartialLineSize <= 0 {
            a.error("max_partial_line_size must be greater than 0 when max_partial_line_size_truncate is set", attribute: "max_partial_line_size")
        }
    }

    /// Parses one CRI line; nil when it is not in CRI format (the entry then passes unchanged).
    static func parse(_ line: UnsafeRawBufferPointer) -> (time: Range<Int>, stdout: Bool, partial: Bool, flag: UInt8?, content: Range<Int>)? {
        let n = line.count
        var i = 0
        while i < n && line[i] != 32 && line[i] != 9 && line[i] != 10 && line[i] != 13 { i += 1 }
        let time = 0..<i
        guard i < n, line[i] == 32 else { return nil }
        i += 1
        let stdout: Bool
        if i + 6 <= n, line[i] == 115, line[i + 1] == 116, line[i + 2] == 100 {
            if line[i + 3] == 111, line[i + 4] == 117, line[i + 5] == 116 { stdout = true }
            else if line[i + 3] == 101, line[i + 4] == 114, line[i + 5] == 114 { stdout = false }
            else { return nil }
        } else {
            return nil
        }
        i += 6
        guard i < n, line[i] == 32 else { return nil }
        i += 1
        var partial = false
        var flag: UInt8? = nil
        if i < n && (line[i] == 80 || line[i] == 70) {
            partial = line[i] == 80
            flag = line[i]
            i += 1
        }
        if i < n && line[i] == 32 { i += 1 }
        return (time, stdout, partial, flag, i..<n)
    }

    /// Whether a later stage may read `time`, `stream`, `flags` and `content`; when none does, they are not set
    /// and the message is cut out of the line in place instead of copied.
    private var extractedNeeded = true
    var extractedKeysRead: Set<String>? { [] }
    func extractedKeysReadDownstream(_ keys: Set<String>?) {
        extractedNeeded = keys.map { !$0.isDisjoint(with: ["time", "stream", "flags", "content"]) } ?? true
    }

    func process(_ entries: inout [ProcessEntry], _ ctx: PipelineContext) {
        var input = entries
        entries = []
        var out: [ProcessEntry] = []
        out.reserveCapacity(input.count)
        defer { entries = out }
        for i in input.indices {
            // Moved out of the batch, so that the line's storage is this entry's alone and can be edited in place.
            var e = ProcessEntry(LogEntry(timestamp: 0, line: [], labels: LabelSet()))
            swap(&e, &input[i])
            guard let (timeRange, stdout, partial, flag, contentRange) = e.entry.line.withUnsafeBytes({ CRIStage.parse($0) }) else {
                out.append(e)
                continue
            }
            let timestamp = e.entry.line.withUnsafeBytes { RFC3339.parse(UnsafeRawBufferPointer(rebasing: $0[timeRange])) }
            let stream = stdout ? "stdout" : "stderr"
            if extractedNeeded {
                let original = e.entry.line
                e.extracted["time"] = .slice(original[timeRange])
                e.extracted["stream"] = .string(stream)
                e.extracted["flags"] = .string(flag == 80 ? "P" : "F")
                e.extracted["content"] = .slice(original[contentRange])
                e.entry.line = Array(original[contentRange])
            } else {
                e.entry.line.removeSubrange(contentRange.upperBound...)
                e.entry.line.removeSubrange(..<contentRange.lowerBound)
            }
            let which = stdout ? 0 : 1
            if lastInput != e.entry.labels {
                lastInput = e.entry.labels
                withStream = [nil, nil]
            }
            if let cached = withStream[which] {
                e.entry.labels = cached
            } else {
                e.entry.labels["stream"] = stream
                withStream[which] = e.entry.labels
            }
            if let timestamp { e.entry.timestamp = timestamp }
            let key = e.entry.labels
            if partial {
                if var held = pending.removeValue(forKey: key) {
                    // Taken out of the table, the held line is this entry's alone: the fragment is appended in
                    // place (amortised linear), not copied with everything before it.
                    held.entry.line.append(contentsOf: e.entry.line)
                    swap(&e.entry.line, &held.entry.line)
                    e.entry.origin = held.entry.origin
                    e.hold = held.hold
                    e.holdPosition(ctx)
                    truncateIfNeeded(&e, ctx)
                    pending[key] = e
                } else {
                    if pending.count >= maxPartialLines {
                        ctx.metrics.criPartialLinesFlushed.increment(by: pending.count)
                        for k in pendingOrder {
                            // Emitted because of this line: a replayed line's evictions were delivered before.
                            if var p = pending[k] {
                                p.entry.replayed = e.entry.replayed
                                out.append(p)
                            }
                        }
                        pending = [:]
                        pendingOrder = []
                    }
                    truncateIfNeeded(&e, ctx)
                    e.holdPosition(ctx)
                    pending[key] = e
                    pendingOrder.append(key)
                }
                continue
            }
            if !pending.isEmpty, isHeld(key), let held = pending.removeValue(forKey: key) {
                pendingOrder.removeAll { $0 == key }
                var joined = held.entry.line
                joined.append(contentsOf: e.entry.line)
                e.entry.line = joined
                e.entry.origin = held.entry.origin
                e.hold = held.hold
            }
            truncateIfNeeded(&e, ctx)
            out.append(e)
        }
    }

    /// Whether a partial line is held for `key`. Usually one or two streams hold one, and their label sets are
    /// the very ones cached above, so a short scan is cheaper than hashing every label of every full line.
    private func isHeld(_ key: LabelSet) -> Bool {
        if pendingOrder.count > 8 { return pending[key] != nil }
        return pendingOrder.contains(key)
    }

    private func truncateIfNeeded(_ e: inout ProcessEntry, _ ctx: PipelineContext) {
        if truncate && maxPartialLineSize > 0 && e.entry.line.count > maxPartialLineSize {
            e.entry.line.removeLast(e.entry.line.count - maxPartialLineSize)
            ctx.metrics.criLinesTruncated.increment()
        }
    }

    func flush(nowNanoseconds: Int64, force: Bool, into out: inout [ProcessEntry], _ ctx: PipelineContext) {
        guard force else { return }
        for k in pendingOrder { if let p = pending[k] { out.append(p) } }
        pending = [:]
        pendingOrder = []
    }
}
