import Platform
import Codecs
import AsyncHTTPClient
import HTTPClientSupport
import LogCore
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// Delivers the write-ahead log to one Loki endpoint: reads from its own cursor, batches per tenant, pushes gzip
/// JSON, retries what can succeed later (network errors, 429, 5xx) with exponential backoff and jitter — honouring
/// `Retry-After` — and moves its cursor only past what Loki accepted or refused for good.
///
/// At most one batch again after a crash: before a batch is sent its end is saved with the cursor (one `pwrite`),
/// and the cursor moves past it, durably, before the next batch is read. After a restart the sender starts at the
/// cursor, so the only entries Loki may get twice are those of the batch in flight at the crash — sent again
/// first, with the same timestamps and lines, in the same order (one request per tenant when a batch mixes tenants).
final class EndpointSender: Sendable {
    let config: EndpointConfig
    let wal: WriteAheadLog
    let externalLabels: [String: String]
    let maxStreams: Int
    let maxLineSize: Int
    let metrics: WriteMetrics
    let logger: Logger
    let wake = WakeSignal()
    let cursorName: String
    private let httpConfig: HTTPClient.Configuration
    private let host: String
    /// The push URL without user information (also what the web API shows).
    let url: String
    /// The endpoint's client settings, with the URL's user information as basic auth when nothing else is set.
    private let settings: HTTPClientSettings
    private let cursor: Mutex<WALPosition>
    /// Entries of the batch that was in flight when the agent stopped (sent again first).
    let resent: Int
    private let loggedReasons = Mutex<Set<String>>([])
    /// The last push that failed since the last success: its status (-1: no answer) and reason.
    let lastError = Mutex<String>("")
    private let compressor: Mutex<GzipCompressor>

    init(config: EndpointConfig, wal: WriteAheadLog, writer: WriterConfig, metrics: WriteMetrics, logger: Logger) throws {
        self.config = config
        self.wal = wal
        self.externalLabels = writer.externalLabels
        self.maxStreams = writer.maxStreams
        self.maxLineSize = writer.maxLineSize
        self.metrics = metrics
        var l = logger
        l[metadataKey: "endpoint"] = "\(config.name)"
        self.logger = l
        self.cursorName = EndpointSender.safeName(config.name)
        let target = URLCredentials(config.url)
        self.url = target.url
        self.settings = target.applied(to: config.client)
        self.host = EndpointSender.host(of: target.url)
        self.compressor = Mutex(GzipCompressor(level: config.gzipLevel))
        self.httpConfig = try config.client.clientConfiguration(for: target.url, readTimeout: config.remoteTimeout)
        try RequestAuthorizer.check(config.client)
        let saved = wal.cursorRecord(cursorName)
        cursor = Mutex(saved.delivered)
        resent = saved.inFlightEnd.map { LokiWriter.entries(in: wal, saved.delivered..<$0) } ?? 0
    }

    static func safeName(_ s: String) -> String { String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) }

    static func host(of url: String) -> String {
        let b = Array(url.utf8)
        var start = 0
        for i in 0..<max(0, b.count - 2) where b[i] == 58 && b[i + 1] == 47 && b[i + 2] == 47 {
            start = i + 3
            break
        }
        return String(decoding: b[start...].prefix { $0 != 47 }, as: UTF8.self)
    }

    /// Headers the sender sets itself, which extra headers cannot replace.
    static let fixedHeaders: Set<String> = ["content-type", "content-encoding", "x-scope-orgid", "user-agent"]

    var position: WALPosition { cursor.withLock { $0 } }

    /// Bytes appended to the log since the sender last armed its wake-up, and how many it waits for: it is woken
    /// once per batch (or at once when idle), not on every append.
    private let appendWatch = Mutex<(needed: Int, accumulated: Int)>((1, 0))

    /// Called by the writer after each append of `bytes`.
    func appended(_ bytes: Int) {
        let fire = appendWatch.withLock { w -> Bool in
            w.accumulated += bytes
            guard w.accumulated >= w.needed else { return false }
            w.needed = Int.max
            return true
        }
        if fire { wake.signal() }
    }

    private func wakeAfter(_ bytes: Int) { appendWatch.withLock { $0 = (max(1, bytes), 0) } }

    /// Runs until `drainDeadline` returns a deadline (shutdown); then keeps delivering what is already in the log
    /// until it is empty or the deadline passes. (Not driven by task cancellation, so that backoff sleeps still
    /// work while draining.)
    func run(drainDeadline: @escaping @Sendable () -> ContinuousClock.Instant?) async {
        // The clients live exactly as long as this loop: they must be shut down before they are released.
        let authorizer: RequestAuthorizer
        do { authorizer = try RequestAuthorizer(settings) } catch {
            logger.error("cannot set up the endpoint's credentials; nothing is sent", metadata: ["err": "\(error)"])
            lastError.withLock { $0 = "\(error)" }
            return
        }
        let client = PushClient(http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfig), authorizer: authorizer)
        await deliverLoop(client, drainDeadline)
        try? await client.http.shutdown()
        await authorizer.shutdown()
    }

    /// The HTTP client and the request credentials of one run.
    struct PushClient {
        let http: HTTPClient
        let authorizer: RequestAuthorizer
    }

    private func deliverLoop(_ client: PushClient, _ drainDeadline: @escaping @Sendable () -> ContinuousClock.Instant?) async {
        var firstSeen: ContinuousClock.Instant? = nil
        // Records read but not delivered yet; new records are read from `readPosition` on, never twice.
        var pending: [(start: WALPosition, next: WALPosition, payload: [UInt8])] = []
        var pendingBytes = 0
        var readPosition = position
        while true {
            let draining = drainDeadline() != nil
            if draining, let deadline = drainDeadline(), ContinuousClock.now >= deadline { return }
            // Armed before reading, so that an append racing with the read still wakes the wait below.
            wakeAfter(pending.isEmpty ? 1 : config.batchSize - pendingBytes)
            if pendingBytes < config.batchSize {
                do {
                    let fresh = try wal.read(from: readPosition, maxBytes: config.batchSize - pendingBytes)
                    if let last = fresh.last { readPosition = last.next }
                    pending += fresh
                    pendingBytes += fresh.reduce(0) { $0 + $1.payload.count }
                } catch {
                    logger.error("cannot read write-ahead log", metadata: ["err": "\(error)"])
                    if draining { return }
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
            }
            if pending.isEmpty {
                if draining { return }
                firstSeen = nil
                await wake.wait(timeout: .seconds(1))
                continue
            }
            if firstSeen == nil { firstSeen = .now }
            if !draining && pendingBytes < config.batchSize && ContinuousClock.now - firstSeen! < config.batchWait {
                await wake.wait(timeout: config.batchWait - (ContinuousClock.now - firstSeen!))
                continue
            }
            firstSeen = nil
            var source = RecordEntries()
            for r in pending {
                do { try source.add(r.payload) } catch {
                    logger.error("skipping an undecodable write-ahead log record", metadata: ["position": "\(r.start)"])
                    metrics.corrupt(1)
                }
            }
            let next = pending.last!.next
            do { try wal.saveCursor(cursorName, position, inFlightEnd: next) } catch {
                logger.error("cannot save delivery position", metadata: ["err": "\(error)"])
            }
            let delivered = await deliver(source, client, deadline: drainDeadline)
            guard delivered else { return }
            pending = []
            pendingBytes = 0
            cursor.withLock { $0 = next }
            do { try wal.saveCursor(cursorName, next) } catch {
                logger.error("cannot save delivery position", metadata: ["err": "\(error)"])
            }
        }
    }

    /// Pushes the entries of `source`, one request per tenant and batch size. Returns false only when the drain
    /// deadline passed (the entries stay in the log for the next start).
    private func deliver(_ source: RecordEntries, _ client: PushClient, deadline: @Sendable () -> ContinuousClock.Instant?) async -> Bool {
        // Per label set (one per run of entries from one file): the labels with external labels added, and the tenant.
        var merged: [LabelSet] = []
        var tenants: [String] = []
        merged.reserveCapacity(source.labelSets.count)
        for set in source.labelSets {
            var m = set
            for (k, v) in externalLabels where m[k] == nil { m[k] = v }
            merged.append(m)
            tenants.append(m["__tenant_id__"] ?? config.tenantID ?? "")
        }
        var order: [String] = []
        var byTenant: [String: [RecordEntries.Ref]] = [:]
        if let first = tenants.first, tenants.allSatisfy({ $0 == first }) {
            order = [first]
            byTenant[first] = source.entries
        } else {
            for e in source.entries {
                let t = tenants[Int(e.labels)]
                if byTenant[t] == nil { order.append(t) }
                byTenant[t, default: []].append(e)
            }
        }
        for tenant in order {
            let refs = byTenant.removeValue(forKey: tenant)!
            var start = 0
            while start < refs.count {
                var size = 0
                var end = start
                while end < refs.count && (end == start || size + Int(refs[end].lineCount) <= config.batchSize) {
                    size += Int(refs[end].lineCount)
                    end += 1
                }
                guard await push(refs[start..<end], tenant: tenant, source: source, merged: merged, client, deadline: deadline) else { return false }
                start = end
            }
        }
        return true
    }

    /// The streams of a batch, with entries Loki would refuse taken out (and counted). Label checks run once per
    /// label set, not per entry.
    private func streams(_ batch: ArraySlice<RecordEntries.Ref>, tenant: String, merged: [LabelSet]) -> [PushEncoder.RefStream] {
        var streamOf = [Int](repeating: -2, count: merged.count)   // -2: not looked at yet, -1: refused
        var refusal = [String](repeating: "", count: merged.count)
        var byLabels: [LabelSet: Int] = [:]
        var out: [PushEncoder.RefStream] = []
        for e in batch {
            let set = Int(e.labels)
            if streamOf[set] == -2 {
                let labels = merged[set].withoutReserved
                var reason: String? = nil
                if labels.isEmpty { reason = "no_labels" }
                else if labels.labels.contains(where: { !Label.isValidName($0.name) }) { reason = "invalid_labels" }
                if let reason {
                    streamOf[set] = -1
                    refusal[set] = reason
                    logOnce(reason, "entry dropped before sending", ["labels": "\(labels)"])
                } else if let existing = byLabels[labels] {
                    streamOf[set] = existing
                } else if maxStreams > 0 && out.count >= maxStreams {
                    streamOf[set] = -1
                    refusal[set] = "stream_limited"
                    logOnce("stream_limited", "entry dropped: max_streams reached in this batch", ["labels": "\(labels)"])
                } else {
                    byLabels[labels] = out.count
                    streamOf[set] = out.count
                    out.append(PushEncoder.RefStream(labels: labels, entries: []))
                }
            }
            let si = streamOf[set]
            if si < 0 {
                metrics.dropped(host: host, tenant: tenant, reason: refusal[set], entries: 1, bytes: Int(e.lineCount))
                continue
            }
            if maxLineSize > 0 && Int(e.lineCount) > maxLineSize {
                metrics.dropped(host: host, tenant: tenant, reason: "line_too_long", entries: 1, bytes: Int(e.lineCount))
                logOnce("line_too_long", "entry dropped before sending", ["labels": "\(out[si].labels)"])
                continue
            }
            out[si].entries.append(e)
        }
        return out
    }

    private func logOnce(_ reason: String, _ message: Logger.Message, _ metadata: Logger.Metadata) {
        guard loggedReasons.withLock({ $0.insert(reason).inserted }) else { return }
        var m = metadata
        m["reason"] = "\(reason)"
        logger.warning(message, metadata: m)
    }

    /// One batch, retried until accepted, refused for good, or (while draining) out of time.
    private func push(_ batch: ArraySlice<RecordEntries.Ref>, tenant: String, source: RecordEntries, merged: [LabelSet],
                      _ client: PushClient, deadline: @Sendable () -> ContinuousClock.Instant?) async -> Bool {
        let streams = self.streams(batch, tenant: tenant, merged: merged)
        let entryCount = streams.reduce(0) { $0 + $1.entries.count }
        guard entryCount > 0 else { return true }
        let lineBytes = streams.reduce(0) { $0 + $1.entries.reduce(0) { $0 + Int($1.lineCount) } }
        let json = PushEncoder().write(streams, from: source)
        let body = compressor.withLock { $0.compress(json.bytes) }
        var backoff = config.minBackoff
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Content-Encoding", value: "gzip")
            request.headers.add(name: "User-Agent", value: "Tributary/0.1")
            if !tenant.isEmpty { request.headers.add(name: "X-Scope-OrgID", value: tenant) }
            for (k, v) in config.headers where !request.headers.contains(name: k) { request.headers.add(name: k, value: v) }
            request.body = .bytes(body)
            let started = ContinuousClock.now
            var status = -1
            var reason = ""
            var retryAfter: Duration? = nil
            do {
                // Credentials files are read per request and OAuth2 tokens renewed when they expire; an unreadable
                // file or a token server that refuses is retried like a network error.
                for (k, v) in try await client.authorizer.headers() {
                    if k == "Authorization" { request.headers.replaceOrAdd(name: k, value: v) }
                    else if !EndpointSender.fixedHeaders.contains(k.lowercased()) { request.headers.add(name: k, value: v) }
                }
                var timeout = config.remoteTimeout
                if let d = deadline() { timeout = max(.milliseconds(10), min(timeout, d - ContinuousClock.now)) }
                let response = try await client.http.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
                status = Int(response.status.code)
                retryAfter = EndpointSender.retryAfter(response.headers.first(name: "Retry-After"), limit: config.maxBackoff)
                reason = try await EndpointSender.firstLine(of: response.body)
            } catch {
                reason = "\(error)"
            }
            let elapsed = ContinuousClock.now - started
            metrics.request(host: host, tenant: tenant, status: status, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, size: body.readableBytes)
            if (200..<300).contains(status) {
                lastError.withLock { $0 = "" }
                metrics.sent(host: host, tenant: tenant, entries: entryCount, bytes: lineBytes)
                let now = WallClock.nowNanoseconds()
                if let oldest = batch.lazy.map(\.timestamp).min() { metrics.latency(host: host, tenant: tenant, seconds: Double(max(0, now - oldest)) / 1e9) }
                return true
            }
            lastError.withLock { $0 = status == -1 ? reason : "\(status): \(reason)" }
            let retryable = status == -1 || status >= 500 || (status == 429 && config.retryOn429)
            if !retryable {
                let why = status == 429 ? "rate_limited" : "ingester_error"
                metrics.dropped(host: host, tenant: tenant, reason: why, entries: entryCount, bytes: lineBytes)
                logOnce("\(status) \(reason)", "Loki refused a batch; it is dropped", ["status": "\(status)", "body": "\(reason)", "entries": "\(entryCount)"])
                return true
            }
            if config.dropAfterRetries && config.maxBackoffRetries > 0 && attempt >= config.maxBackoffRetries {
                metrics.dropped(host: host, tenant: tenant, reason: status == 429 ? "rate_limited" : "ingester_error", entries: entryCount, bytes: lineBytes)
                logger.error("batch dropped after the last retry", metadata: ["status": "\(status)", "err": "\(reason)"])
                return true
            }
            metrics.retry(host: host, tenant: tenant)
            if attempt == 1 || attempt % 10 == 0 {
                logger.warning("push failed; retrying", metadata: ["status": "\(status)", "err": "\(reason)", "attempt": "\(attempt)"])
            }
            // Exponential backoff with jitter in [d, 2d), capped; Retry-After wins when longer.
            let jitter = Double.random(in: 1..<2)
            var wait = backoff * jitter
            if let retryAfter, retryAfter > wait { wait = retryAfter }
            guard await EndpointSender.pause(wait, deadline: deadline) else { return false }
            backoff = min(backoff * 2, config.maxBackoff)
        }
    }
}

extension EndpointSender {
    /// The delay a `Retry-After` header asks for (delta-seconds), never longer than `limit` (`max_backoff_period`):
    /// a server's answer must not be able to stop delivery for hours, or overflow a clock. nil when absent or not
    /// a number of seconds.
    static func retryAfter(_ header: String?, limit: Duration) -> Duration? {
        guard let header, let seconds = Int64(header.trimming(" ")), seconds >= 0 else { return nil }
        let limitSeconds = limit.components.seconds + (limit.components.attoseconds > 0 ? 1 : 0)
        return seconds >= limitSeconds ? limit : .seconds(seconds)
    }

    /// Waits `wait`, in slices, so that a shutdown that starts meanwhile is noticed: false (without waiting the
    /// rest) once the drain deadline is set and the wait would end after it.
    static func pause(_ wait: Duration, deadline: @Sendable () -> ContinuousClock.Instant?) async -> Bool {
        let end = ContinuousClock.now + wait
        while true {
            let now = ContinuousClock.now
            if let d = deadline(), end > d || now >= d { return false }
            if now >= end { return true }
            try? await Task.sleep(for: min(end - now, .milliseconds(250)))
        }
    }

    /// The first line of an error answer (at most 1,024 bytes of it), however long the body is: Loki's reason,
    /// not a "too many bytes" error about the body.
    static func firstLine(of body: HTTPClientResponse.Body) async throws -> String {
        var kept: [UInt8] = []
        for try await chunk in body where kept.count < 4096 {
            kept += chunk.readableBytesView.prefix(4096 - kept.count)
        }
        let line = kept.split(separator: 10).first ?? []
        return String(decoding: line.prefix(1024), as: UTF8.self)
    }
}
