import LogCore
import Logging
import Runtime
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import Synchronization

/// What the HTTP endpoint asks the running agent.
struct AgentProbes: Sendable {
    /// Whether every component was built and started.
    var isReady: @Sendable () async -> Bool
    /// The components that report themselves unhealthy, with their reasons.
    var unhealthy: @Sendable () async -> [(id: String, message: String)]
    /// Re-reads and applies the configuration: whether it was applied, and the message for the caller.
    var reload: @Sendable () async -> (applied: Bool, message: String)
    /// Every component (without arguments), and one component in detail (nil: no such component).
    var components: @Sendable () async -> [ComponentInfo]
    var component: @Sendable (String) async -> ComponentInfo?
    /// The components of a module by its id (nil: no such module).
    var module: @Sendable (String) async -> [ComponentInfo]?
    /// The taps of live debugging (what components receive and emit).
    var liveDebugging: LiveDebugHub
}

/// The agent's HTTP endpoint: `/metrics` (Prometheus text format), `/-/ready`, `/-/healthy` (200 when every
/// component is healthy, else 500 naming the unhealthy ones and why, as Alloy answers), `/-/reload` (GET or POST:
/// 200 once the configuration file was re-read and applied, 400 with the diagnostics when it is refused) and
/// Alloy's web API under `/api/v0/web/` (``WebAPI``), and the web UI on top of it (``WebUI``).
final class AgentHTTPServer: Sendable {
    let channel: any Channel
    let group: MultiThreadedEventLoopGroup

    /// The address actually bound (useful with port 0).
    var localAddress: String {
        guard let a = channel.localAddress else { return "?" }
        return "\(a.ipAddress ?? "?"):\(a.port ?? 0)"
    }

    /// Connections open at once; more are closed as they arrive, so that idle or hostile clients cannot take the
    /// file descriptors the agent needs for its log files, write-ahead log and pushes.
    static let maximumConnections = 128
    /// A request must arrive whole within this long of connecting (no idle or slow clients); answering it may take
    /// longer (a reload drains components).
    static let requestDeadline: TimeAmount = .seconds(15)

    static func start(host: String, port: Int, registry: PrometheusCollectorRegistry,
                      probes: AgentProbes) async throws -> AgentHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let open = Mutex(0)
        let log = RateLimitedLog()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in channel.pipeline.addHandler(AcceptErrors(log: log)) }
            .childChannelInitializer { channel in
                let admitted = open.withLock { n -> Bool in
                    guard n < maximumConnections else { return false }
                    n += 1
                    return true
                }
                guard admitted else {
                    log.warning("too_many_connections", "HTTP connection refused: \(maximumConnections) already open")
                    return channel.close()
                }
                let deadline = channel.eventLoop.scheduleTask(in: requestDeadline) { channel.close(promise: nil) }
                channel.closeFuture.whenComplete { _ in
                    open.withLock { $0 -= 1 }
                    deadline.cancel()
                }
                return channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(registry: registry, probes: probes, requestReceived: { deadline.cancel() }))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        return AgentHTTPServer(channel: channel, group: group)
    }

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup) {
        self.channel = channel
        self.group = group
    }

    func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let registry: PrometheusCollectorRegistry
        let probes: AgentProbes
        let requestReceived: () -> Void
        var uri = "/"
        var method = HTTPMethod.GET

        init(registry: PrometheusCollectorRegistry, probes: AgentProbes, requestReceived: @escaping () -> Void) {
            self.registry = registry
            self.probes = probes
            self.requestReceived = requestReceived
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                uri = head.uri
                method = head.method
            case .body:
                break
            case .end:
                requestReceived()
                let path = String(uri.split(separator: "?", maxSplits: 1).first ?? "/")
                let loop = context.eventLoop
                let ctx = NIOLoopBound(context, eventLoop: loop)
                let selfBound = NIOLoopBound(self, eventLoop: loop)
                switch path {
                case "/metrics":
                    respond(ctx.value, status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToBuffer())
                case "/-/healthy":
                    let unhealthy = probes.unhealthy
                    let promise = loop.makePromise(of: [(id: String, message: String)].self)
                    promise.completeWithTask { await unhealthy() }
                    promise.futureResult.whenSuccess { list in
                        let healthy = list.isEmpty
                        let body = healthy ? "All Alloy components are healthy.\n"
                            : "unhealthy components: " + list.map { "\($0.id) (\($0.message))" }.joined(separator: ", ") + "\n"
                        selfBound.value.respond(ctx.value, status: healthy ? .ok : .internalServerError, contentType: "text/plain",
                                                body: Array(body.utf8))
                    }
                case "/-/reload":
                    let reload = probes.reload
                    let promise = loop.makePromise(of: (applied: Bool, message: String).self)
                    promise.completeWithTask { await reload() }
                    promise.futureResult.whenSuccess { r in
                        selfBound.value.respond(ctx.value, status: r.applied ? .ok : .badRequest, contentType: "text/plain",
                                                body: Array(r.message.utf8))
                    }
                case "/-/ready":
                    let isReady = probes.isReady
                    let promise = loop.makePromise(of: Bool.self)
                    promise.completeWithTask { await isReady() }
                    promise.futureResult.whenSuccess { ready in
                        selfBound.value.respond(ctx.value, status: ready ? .ok : .serviceUnavailable, contentType: "text/plain",
                                                body: Array((ready ? "Alloy is ready.\n" : "Alloy is not ready.\n").utf8))
                    }
                default:
                    if let asset = WebUI.asset(path) {
                        respond(ctx.value, status: .ok, contentType: asset.contentType, body: asset.body)
                        break
                    }
                    switch WebAPI.route(path) {
                    case .components:
                        let components = probes.components
                        let promise = loop.makePromise(of: [ComponentInfo].self)
                        promise.completeWithTask { await components() }
                        let live = probes.liveDebugging
                        promise.futureResult.whenSuccess { infos in
                            selfBound.value.respond(ctx.value, status: .ok, contentType: "application/json", body: WebAPI.list(infos, live))
                        }
                    case .moduleComponents(let id):
                        let module = probes.module, live = probes.liveDebugging
                        answerJSON(ctx, notFound: "module not found\n") { await module(id).map { WebAPI.list($0, live) } }
                    case .component(let id):
                        let component = probes.component, live = probes.liveDebugging
                        answerJSON(ctx, notFound: "404 page not found\n") { await component(id).map { WebAPI.detail($0, live) } }
                    case .debug(let id):
                        let live = probes.liveDebugging
                        guard live.isEnabled else {
                            respond(ctx.value, status: .badRequest, contentType: "text/plain", body: Array(WebAPI.liveDebuggingDisabled.utf8))
                            break
                        }
                        guard let sample = WebAPI.sampleProbability(uri) else {
                            respond(ctx.value, status: .badRequest, contentType: "text/plain", body: Array("Invalid sample probability\n".utf8))
                            break
                        }
                        let component = probes.component
                        whenFound(ctx, notFound: "404 page not found\n", { await component(id) != nil }) { handler in
                            guard WebAPI.liveDebuggingEnabled(id, live) else {
                                handler.respond(ctx.value, status: .badRequest, contentType: "text/plain",
                                                body: Array("component \(id) does not support live debugging\n".utf8))
                                return
                            }
                            let channel = handler.startStream(ctx.value)
                            let tap = live.tap(for: id)
                            Task { await LiveStreams.debug(channel, tap: tap, sampleProbability: sample) }
                        }
                    case .graph(let moduleID):
                        let live = probes.liveDebugging
                        guard live.isEnabled else {
                            respond(ctx.value, status: .badRequest, contentType: "text/plain", body: Array(WebAPI.liveDebuggingDisabled.utf8))
                            break
                        }
                        guard let window = WebAPI.window(uri) else {
                            respond(ctx.value, status: .badRequest, contentType: "text/plain",
                                    body: Array("Invalid window: must be an integer between 1 and 60\n".utf8))
                            break
                        }
                        guard let moduleID else {
                            let channel = startStream(ctx.value)
                            Task { await LiveStreams.graph(channel, hub: live, window: window, module: nil) }
                            break
                        }
                        let module = probes.module
                        whenFound(ctx, notFound: "module not found\n", { await module(moduleID) != nil }) { handler in
                            let channel = handler.startStream(ctx.value)
                            Task { await LiveStreams.graph(channel, hub: live, window: window, module: moduleID) }
                        }
                    case .notFound:
                        respond(ctx.value, status: .notFound, contentType: "text/plain", body: Array("404 page not found\n".utf8))
                    }
                }
            }
        }

        /// Sends the head of a streamed (chunked) answer; the caller writes the body until the client goes away.
        func startStream(_ context: ChannelHandlerContext) -> any Channel {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            headers.add(name: "Cache-Control", value: "no-store")
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            return context.channel
        }

        /// Answers with the JSON `body` computes, or 404 and `notFound` when it finds nothing.
        private func answerJSON(_ ctx: NIOLoopBound<ChannelHandlerContext>, notFound: String,
                                _ body: @escaping @Sendable () async -> [UInt8]?) {
            let loop = ctx.value.eventLoop
            let selfBound = NIOLoopBound(self, eventLoop: loop)
            let promise = loop.makePromise(of: [UInt8]?.self)
            promise.completeWithTask { await body() }
            promise.futureResult.whenSuccess { json in
                if let json {
                    selfBound.value.respond(ctx.value, status: .ok, contentType: "application/json", body: json)
                } else {
                    selfBound.value.respond(ctx.value, status: .notFound, contentType: "text/plain", body: Array(notFound.utf8))
                }
            }
        }

        /// Runs `then` on the event loop when `exists` finds what the request names; answers 404 with `notFound`
        /// when it does not.
        private func whenFound(_ ctx: NIOLoopBound<ChannelHandlerContext>, notFound: String,
                               _ exists: @escaping @Sendable () async -> Bool, then: @escaping @Sendable (Handler) -> Void) {
            let loop = ctx.value.eventLoop
            let selfBound = NIOLoopBound(self, eventLoop: loop)
            let promise = loop.makePromise(of: Bool.self)
            promise.completeWithTask { await exists() }
            promise.futureResult.whenSuccess { found in
                guard found else {
                    selfBound.value.respond(ctx.value, status: .notFound, contentType: "text/plain", body: Array(notFound.utf8))
                    return
                }
                then(selfBound.value)
            }
        }

        func respond(_ context: ChannelHandlerContext, status: HTTPResponseStatus, contentType: String, body: [UInt8]) {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.count))
            headers.add(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// Logs what the listening socket reports (EMFILE when file descriptors run out), at most once a minute each.
    private final class AcceptErrors: ChannelInboundHandler, Sendable {
        typealias InboundIn = any Channel
        let log: RateLimitedLog
        init(log: RateLimitedLog) { self.log = log }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.fireChannelRead(data) }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            log.warning("accept", "HTTP server cannot accept connections: \(error)")
            context.fireErrorCaught(error)
        }
    }
}

/// A warning logged at most once a minute per key.
final class RateLimitedLog: Sendable {
    private let last = Mutex<[String: ContinuousClock.Instant]>([:])
    private let logger = Logger(label: "tributary")

    func warning(_ key: String, _ message: String) {
        let now = ContinuousClock.now
        let due = last.withLock { l -> Bool in
            if let t = l[key], now - t < .seconds(60) { return false }
            l[key] = now
            return true
        }
        if due { logger.warning("\(message)") }
    }
}
