import Foundation
import LogCore
import LokiWrite
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A Loki push endpoint on loopback for tests and the local demo: accepts what Loki's `/loki/api/v1/push`
/// accepts (JSON, optionally gzip, `X-Scope-OrgID`), answers what Loki answers for bad pushes (400, 401, 422),
/// stores each distinct entry once as Loki does, and can be told to fail (a status, slowness, or being down).
public final class FakeLoki: @unchecked Sendable {
    /// One stored entry.
    public struct Entry: Hashable, Sendable {
        public var tenant: String
        public var stream: String
        public var timestamp: String
        public var line: String
        public var metadata: [String: String]
    }

    public struct Stats: Sendable {
        public var requests = 0
        public var accepted = 0
        public var duplicates = 0
        /// For each request (numbered from 1 in arrival order) that first brought entries received again later:
        /// how many of its entries came again.
        public var duplicatesByFirstRequest: [Int: Int] = [:]
        public var refused = 0
        public var compressedBytes = 0
        public var uncompressedBytes = 0
        public var lastHeaders: [String: String] = [:]
    }

    private struct State {
        var entries: [Entry] = []
        /// Each stored entry and the request that brought it.
        var seen: [Entry: Int] = [:]
        var stats = Stats()
        var failNext: [Reply] = []
        var failAll: Reply? = nil
    }

    private let state = Mutex(State())
    /// Accepted connections, closed by `stop()` so that a stopped receiver is really unreachable (clients keep
    /// connections alive between requests).
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
    public let requireTenant: Bool
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: (any Channel)?
    public private(set) var port = 0

    private let tls: NIOSSLContext?

    /// - Parameters:
    ///   - requireTenant: answer 401 to pushes without `X-Scope-OrgID` (Loki with multi-tenancy on).
    ///   - certificatePEM/keyPEM: serve HTTPS with this certificate.
    public init(requireTenant: Bool = false, certificatePEM: String? = nil, keyPEM: String? = nil) {
        self.requireTenant = requireTenant
        if let certificatePEM, let keyPEM,
           let chain = try? NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)),
           let key = try? NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem) {
            tls = try? NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } else {
            tls = nil
        }
    }

    /// Starts listening on 127.0.0.1 (`port` 0 picks a free one).
    public func start(port: Int = 0) throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { ch in
                let id = ObjectIdentifier(ch)
                self.connections.withLock { $0[id] = ch }
                ch.closeFuture.whenComplete { _ in _ = self.connections.withLock { $0.removeValue(forKey: id) } }
                do {
                    if let tls = self.tls { try ch.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try ch.pipeline.syncOperations.configureHTTPServerPipeline()
                    try ch.pipeline.syncOperations.addHandler(Handler(self))
                    return ch.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return ch.eventLoop.makeFailedFuture(error)
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        self.port = channel?.localAddress?.port ?? port
    }

    /// Stops listening (connections are refused, as when Loki is down); `start(port:)` resumes on the same port.
    public func stop() {
        try? channel?.close().wait()
        channel = nil
        for c in connections.withLock({ Array($0.values) }) { try? c.close().wait() }
    }

    public func shutdown() {
        stop()
        try? group.syncShutdownGracefully()
    }

    public var pushURL: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)/loki/api/v1/push" }
    public var entries: [Entry] { state.withLock { $0.entries } }
    public var stats: Stats { state.withLock { $0.stats } }
    /// An answer: status, body and extra response headers.
    struct Reply {
        var status: Int
        var body: String
        var headers: [(String, String)] = []
    }

    /// The next `times` pushes are answered with `status` (and `headers`, e.g. `Retry-After`) instead of handled.
    public func failNext(_ status: Int, body: String = "injected failure", headers: [(String, String)] = [], times: Int = 1) {
        state.withLock { for _ in 0..<times { $0.failNext.append(Reply(status: status, body: body, headers: headers)) } }
    }
    public func failAll(_ status: Int?, body: String = "injected failure") {
        state.withLock { $0.failAll = status.map { Reply(status: $0, body: body) } }
    }

    /// Handles one push.
    func handle(headers: HTTPHeaders, body: [UInt8]) -> Reply {
        let injected = state.withLock { s -> Reply? in
            s.stats.requests += 1
            s.stats.lastHeaders = Dictionary(headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            if !s.failNext.isEmpty { return s.failNext.removeFirst() }
            return s.failAll
        }
        if let injected { return injected }
        let (status, text) = accept(headers: headers, body: body)
        return Reply(status: status, body: text)
    }

    /// Checks and stores a push as Loki would; returns (status, body).
    private func accept(headers: HTTPHeaders, body: [UInt8]) -> (Int, String) {
        let tenant = headers.first(name: "X-Scope-OrgID") ?? ""
        if requireTenant && tenant.isEmpty { return (401, "no org id\n") }
        guard headers.first(name: "Content-Type")?.hasPrefix("application/json") == true else {
            return (415, "unsupported content type (this receiver only speaks JSON)\n")
        }
        var raw = body
        switch headers.first(name: "Content-Encoding") ?? "" {
        case "gzip":
            do { raw = try Gunzip.decompress(body) } catch { return (400, "gzip: \(error)\n") }
        case "": break
        default: return (400, "unsupported content encoding\n")
        }
        state.withLock {
            $0.stats.compressedBytes += body.count
            $0.stats.uncompressedBytes += raw.count
        }
        guard let doc = try? JSONSerialization.jsonObject(with: Data(raw)) as? [String: Any],
              let streams = doc["streams"] as? [[String: Any]] else { return (400, "unable to parse JSON body\n") }
        if streams.isEmpty { return (422, "no streams in push request\n") }
        var fresh: [Entry] = []
        var problems: [String] = []
        for s in streams {
            guard let labels = s["stream"] as? [String: String], let values = s["values"] as? [[Any]] else {
                problems.append("malformed stream")
                continue
            }
            let names = labels.keys.sorted()
            if names.isEmpty { problems.append("error at least one label pair is required per stream"); continue }
            if names.count > 15 { problems.append("entry for stream has \(names.count) label names; limit 15"); continue }
            if let bad = names.first(where: { !Label.isValidName($0) }) { problems.append("invalid label name \(bad)"); continue }
            let key = "{" + names.map { "\($0)=\"\(labels[$0]!)\"" }.joined(separator: ", ") + "}"
            for v in values {
                guard v.count >= 2, let ts = v[0] as? String, Int64(ts) != nil, let line = v[1] as? String else {
                    problems.append("malformed entry")
                    continue
                }
                if line.utf8.count > 256 * 1024 { problems.append("max entry size exceeded"); continue }
                let md = (v.count > 2 ? v[2] as? [String: String] : nil) ?? [:]
                fresh.append(Entry(tenant: tenant, stream: key, timestamp: ts, line: line, metadata: md))
            }
        }
        state.withLock { s in
            let request = s.stats.requests
            for e in fresh {
                if let first = s.seen[e] {
                    s.stats.duplicates += 1
                    s.stats.duplicatesByFirstRequest[first, default: 0] += 1
                } else {
                    s.seen[e] = request
                    s.entries.append(e)
                    s.stats.accepted += 1
                }
            }
            if !problems.isEmpty { s.stats.refused += 1 }
        }
        if !problems.isEmpty { return (400, problems.joined(separator: "; ") + "\n") }
        return (204, "")
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let server: FakeLoki
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        init(_ s: FakeLoki) { server = s }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = []
            case .body(var b):
                body += b.readBytes(length: b.readableBytes) ?? []
            case .end:
                guard let head else { return }
                var reply = Reply(status: 404, body: "404 page not found\n")
                if head.uri.hasPrefix("/loki/api/v1/push") && head.method == .POST {
                    reply = server.handle(headers: head.headers, body: body)
                } else if head.uri == "/ready" {
                    reply = Reply(status: 200, body: "ready\n")
                }
                let (status, text) = (reply.status, reply.body)
                var headers = HTTPHeaders(reply.headers)
                headers.add(name: "Content-Length", value: String(text.utf8.count))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers))), promise: nil)
                var buf = context.channel.allocator.buffer(capacity: text.utf8.count)
                buf.writeString(text)
                context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
