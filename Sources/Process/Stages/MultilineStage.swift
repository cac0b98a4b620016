import Platform
import LogCore
import RE2

/// `stage.multiline`: joins a line matching `firstline` with the lines that follow it (per label set) into one
/// entry, emitted when the next first line arrives, at `max_lines`, or after `max_wait_time` without a line.
final class MultilineStage: Stage {
    var extractedKeysRead: Set<String>? { [] }
    let firstline: RE2?
    let maxLines: Int
    let maxWait: Int64
    let trimNewlines: Bool

    private struct Block {
        var start: ProcessEntry
        var lines: [[UInt8]]
        var lastSeen: Int64
        /// The claim on the source's position while the block holds lines.
        var hold: HoldToken?
    }
    private var blocks: [LabelSet: Block] = [:]
    private var order: [LabelSet] = []

    init(_ a: inout some StageArguments) {
        firstline = compile(a.requiredString("firstline"), &a, attribute: "firstline")
        maxLines = a.int("max_lines") ?? 128
        maxWait = a.duration("max_wait_time") ?? 3_000_000_000
        trimNewlines = a.bool("trim_newlines") ?? true
        if maxWait <= 0 { a.error("max_wait_time must be greater than 0", attribute: "max_wait_time") }
    }

    /// Emits the block of `key`; `trigger` is the line whose arrival ends it (nil: a timed flush), whose
    /// `replayed` flag the block takes (a block ended by a re-read line was delivered before the restart).
    private func emit(_ key: LabelSet, trigger: ProcessEntry?, into out: inout [ProcessEntry]) {
        guard let b = blocks[key] else { return }
        var e = b.start
        var joined: [UInt8] = []
        for (i, l) in b.lines.enumerated() {
            if i > 0 { joined.append(10) }
            var line = l
            if trimNewlines { while let last = line.last, last == 10 || last == 13 { line.removeLast() } }
            joined += line
        }
        e.entry.line = joined
        e.entry.replayed = trigger?.entry.replayed ?? false
        e.hold = b.hold
        out.append(e)
        blocks[key]!.lines = []
        blocks[key]!.hold = nil
    }

    func process(_ entries: inout [ProcessEntry], _ ctx: PipelineContext) {
        let input = entries
        var out: [ProcessEntry] = []
        out.reserveCapacity(input.count)
        defer { entries = out }
        guard let firstline else { out = input; return }
        let now = WallClock.nowNanoseconds()
        for e in input {
            let key = e.entry.labels
            if var b = blocks[key], now - b.lastSeen > maxWait {
                if !b.lines.isEmpty { emit(key, trigger: e, into: &out) }
                blocks[key] = nil
                order.removeAll { $0 == key }
                _ = b
                b.lines = []
            }
            let isFirst = e.entry.line.withUnsafeBytes { firstline.matches($0) }
            if isFirst {
                if blocks[key] != nil, !(blocks[key]!.lines.isEmpty) { emit(key, trigger: e, into: &out) }
                if blocks[key] == nil { order.append(key) }
                blocks[key] = Block(start: e, lines: [e.entry.line], lastSeen: now,
                                    hold: ctx.held.map { HoldToken($0, origin: e.entry.origin) })
            } else if blocks[key] != nil {
                if blocks[key]!.hold == nil {
                    // A block continued after max_lines keeps its first line's origin: re-read from there, it is cut the same way.
                    let origin = blocks[key]!.start.entry.origin
                    blocks[key]!.hold = ctx.held.map { HoldToken($0, origin: origin) }
                }
                blocks[key]!.lines.append(e.entry.line)
                blocks[key]!.lastSeen = now
            } else {
                out.append(e)
                continue
            }
            if blocks[key]!.lines.count >= maxLines { emit(key, trigger: e, into: &out) }
        }
    }

    func flush(nowNanoseconds: Int64, force: Bool, into out: inout [ProcessEntry], _ ctx: PipelineContext) {
        for key in order {
            guard let b = blocks[key] else { continue }
            if force || nowNanoseconds - b.lastSeen > maxWait {
                if !b.lines.isEmpty { emit(key, trigger: nil, into: &out) }
                blocks[key] = nil
            }
        }
        order.removeAll { blocks[$0] == nil }
    }
}
