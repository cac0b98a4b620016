import Platform
import LogCore

/// `stage.limit`: a token bucket (`rate` per second, `burst`); with `drop = true` entries over the limit are
/// dropped (optionally one bucket per value of `by_label_name`), otherwise the stage waits for tokens.
final class LimitStage: Stage {
    var extractedKeysRead: Set<String>? { [] }
    let rate: Double
    let burst: Double
    let drop: Bool
    let byLabel: String?
    let maxDistinct: Int
    private struct Bucket { var tokens: Double; var last: Int64 }
    private var global: Bucket
    private var young: [String: Bucket] = [:]
    private var old: [String: Bucket] = [:]

    init(_ a: inout some StageArguments) {
        rate = a.double("rate") ?? 0
        burst = Double(a.int("burst") ?? 0)
        drop = a.bool("drop") ?? false
        let l = a.string("by_label_name") ?? ""
        byLabel = l.isEmpty ? nil : l
        maxDistinct = max(10000, a.int("max_distinct_labels") ?? 10000)
        if !a.has("rate") || rate <= 0 { a.error("rate must be greater than 0", attribute: "rate") }
        if !a.has("burst") || burst <= 0 { a.error("burst must be greater than 0", attribute: "burst") }
        if byLabel != nil && !drop { a.error("by_label_name requires drop = true", attribute: "by_label_name") }
        global = Bucket(tokens: burst, last: WallClock.nowNanoseconds())
    }

    private func take(_ b: inout Bucket, now: Int64) -> Bool {
        b.tokens = min(burst, b.tokens + Double(now - b.last) / 1e9 * rate)
        b.last = now
        if b.tokens >= 1 { b.tokens -= 1; return true }
        return false
    }

    func process(_ entries: inout [ProcessEntry], _ ctx: PipelineContext) {
        let input = entries
        var out: [ProcessEntry] = []
        out.reserveCapacity(input.count)
        defer { entries = out }
        for e in input {
            var now = WallClock.nowNanoseconds()
            if let byLabel {
                guard let v = e.entry.labels[byLabel] else { out.append(e); continue }
                var b = young[v] ?? old[v] ?? Bucket(tokens: burst, last: now)
                let ok = take(&b, now: now)
                if young.count >= maxDistinct && young[v] == nil { old = young; young = [:] }
                young[v] = b
                if ok { out.append(e) } else { ctx.drop("ratelimit_drop_stage") }
                continue
            }
            if take(&global, now: now) {
                out.append(e)
            } else if drop {
                ctx.drop("ratelimit_drop_stage")
            } else {
                // Back-pressure: wait for the next token (the pipeline runs on its own task).
                let wait = (1 - global.tokens) / rate
                usleep(useconds_t(min(wait, 10) * 1_000_000))
                now = WallClock.nowNanoseconds()
                _ = take(&global, now: now)
                out.append(e)
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
