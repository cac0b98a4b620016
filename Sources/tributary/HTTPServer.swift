import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus

/// What the HTTP endpoint asks the running agent.
struct AgentProbes: Sendable {
    /// Whether every component was built and started.
    var isReady: @Sendable () async -> Bool
    /// The components that report themselves unhealthy, with their reasons.
    var unhealthy: @Sendable () async -> [(id: String, message: String)]
    /// Re-reads and applies the configuration: whether it was applied, and the message for the caller.
    var reload: @Sendable () async -> (applied: Bool, message: String)
}

/// The agent's HTTP endpoint: `/metrics` (Prometheus text format), `/-/ready`, `/-/healthy` (200 when every
/// component is healthy, else 500 naming the unhealthy ones and why, as Alloy answers) and `/-/reload` (GET or POST:
/// 200 once the configuration file was re-read and applied, 400 with the diagnostics when it is refused).
final class AgentHTTPServer: Sendable {
    let channel: any Channel
    let group: MultiThreadedEventLoopGroup

    /// The address actually bound (useful with port 0).
    var localAddress: String {
        guard let a = channel.localAddress else { return "?" }
        return "\(a.ipAddress ?? "?"):\(a.port ?? 0)"
    }

    static func start(host: String, port: Int, registry: PrometheusCollectorRegistry,
                      probes: AgentProbes) async throws -> AgentHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(registry: registry, probes: probes))
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
        var uri = "/"
        var method = HTTPMethod.GET

        init(registry: PrometheusCollectorRegistry, probes: AgentProbes) {
            self.registry = registry
            self.probes = probes
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                uri = head.uri
                method = head.method
            case .body:
                break
            case .end:
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
                    respond(ctx.value, status: .notFound, contentType: "text/plain", body: Array("404 page not found\n".utf8))
                }
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
}
