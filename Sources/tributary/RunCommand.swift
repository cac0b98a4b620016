import ArgumentParser
import Components
import Dispatch
import LogCore
import Logging
import LokiWrite
import Metrics
import Process
import Prometheus
import Evaluation
import Runtime
import Syntax
#if canImport(Glibc)
import Glibc
#endif

/// `tributary run CONFIG`: runs the pipeline until SIGINT or SIGTERM, then drains and stops.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline of a configuration file, or of every *.alloy file in a directory."
    )

    @Argument(help: "Configuration file or directory.")
    var config: String

    @Option(name: .customLong("storage.path"), help: "Where components keep their data (one directory each).")
    var storagePath = "/var/lib/tributary"

    @Option(name: .customLong("server.http.listen-addr"), help: "Address of the HTTP server (/metrics, /-/ready, /-/healthy); port 0 picks a free port.")
    var listenAddress = "127.0.0.1:12345"

    @Option(name: .customLong("log.level"), help: "debug, info, warn or error; overrides the logging block.")
    var logLevel: String?

    @Option(name: .customLong("log.format"), help: "logfmt or json; overrides the logging block.")
    var logFormat: String?

    @Option(name: .customLong("stability.level"), help: "generally-available, public-preview or experimental.")
    var stabilityLevel = "generally-available"

    @Option(name: .customLong("drain-timeout"), help: "How long each component may take to flush at shutdown.")
    var drainTimeout = "15s"

    func run() async throws {
        Stdlib.version = TributaryVersion.string
        #if canImport(Glibc)
        // Push bodies and read buffers are a few MiB each and short-lived: keep such blocks in the heap instead of
        // mapping fresh (zeroed) pages from the kernel for every batch and returning them right after.
        _ = glibcMallopt(-3 /* M_MMAP_THRESHOLD */, 8 << 20)
        _ = glibcMallopt(-1 /* M_TRIM_THRESHOLD */, 16 << 20)
        #endif
        let graph = try await ConfigLoader.loadOrExit(config)
        let loggingApplier = LoggingApplier(levelFlag: logLevel, formatFlag: logFormat)
        loggingApplier.setLevelAndFormat(graph)
        LoggingSystem.bootstrap { _ in LineLogHandler() }
        let logger = Logger(label: "tributary")
        for w in graph.warnings.items { logger.warning("\(w.description)") }

        let allowExperimental = stabilityLevel == "experimental"
        let validation = Controller.validate(graph, allowExperimental: allowExperimental)
        if validation.hasErrors {
            printError(validation.pretty())
            throw ExitCode(1)
        }
        for w in validation.items where w.severity == .warning { logger.warning("\(w.description)") }
        let drain: Int64
        do { drain = try AlloyDuration.parse(drainTimeout) } catch {
            throw ValidationError("--drain-timeout: \(error.message)")
        }

        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets = LokiWriteHistograms.buckets
        MetricsSystem.bootstrap(ComponentMetricsFactory(wrapped: factory))
        OwnLogForwarder.shared.enableMetrics()
        CustomMetrics.install(PrometheusCustomMetrics(registry: registry))

        guard mkdirAll(storagePath) else {
            logger.error("cannot create storage directory", metadata: ["path": "\(storagePath)", "err": "\(systemMessage(errno))"])
            throw ExitCode(1)
        }

        let controller = Controller(graph: graph, storagePath: storagePath, allowExperimental: allowExperimental, logger: logger)
        let liveDebugging = controller.shared.object { LiveDebugHub() }
        liveDebugging.setEnabled(graph.liveDebugging)
        let reloader = ConfigReloader(path: config, controller: controller, drainTimeout: .nanoseconds(drain), logger: logger,
                                      imports: graph.importedSources) {
            await loggingApplier.apply($0, controller: controller, logger: logger)
        }
        let (host, port) = try parseListenAddress(listenAddress)
        let server: AgentHTTPServer
        do {
            server = try await AgentHTTPServer.start(
                host: host, port: port, registry: registry,
                probes: AgentProbes(isReady: { await controller.isReady }, unhealthy: { await controller.unhealthyComponents() },
                                    reload: { await reloader.reload() },
                                    components: { await controller.componentInfos() },
                                    component: { await controller.componentInfo($0) },
                                    module: { await controller.moduleController($0)?.componentInfos() },
                                    liveDebugging: liveDebugging))
        } catch {
            logger.error("cannot start HTTP server", metadata: ["addr": "\(listenAddress)", "err": "\(error)"])
            throw ExitCode(1)
        }
        logger.info("now listening for http traffic", metadata: ["addr": "\(server.localAddress)"])

        let signals = SignalWaiter()
        do {
            try await controller.start()
        } catch let diags as Diagnostics {
            printError(diags.pretty())
            await controller.stop(drainTimeout: .nanoseconds(drain))
            await server.shutdown()
            throw ExitCode(1)
        }
        await loggingApplier.apply(graph, controller: controller, logger: logger)
        let ownLogs = Task { await OwnLogForwarder.shared.run() }
        let importWatch = Task { await reloader.watchImports() }
        logger.info("all components started", metadata: ["components": "\(graph.nodes.count)"])

        var signal = await signals.next()
        while signal == SIGHUP {
            logger.info("received SIGHUP, reloading the configuration")
            _ = await reloader.reload()
            signal = await signals.next()
        }
        logger.info("received signal, shutting down", metadata: ["signal": "\(signal == SIGINT ? "SIGINT" : "SIGTERM")"])
        // The agent's own lines up to here reach write_to's pipeline before it stops.
        importWatch.cancel()
        ownLogs.cancel()
        await ownLogs.value
        OwnLogForwarder.shared.setReceivers([])
        await controller.stop(drainTimeout: .nanoseconds(drain))
        await server.shutdown()
        logger.info("shutdown complete")
    }

    private func parseListenAddress(_ addr: String) throws -> (String, Int) {
        guard let colon = addr.lastIndex(of: ":"), let port = Int(addr[addr.index(after: colon)...]), port >= 0, port < 65536 else {
            throw ValidationError("--server.http.listen-addr must be HOST:PORT, got \(addr)")
        }
        var host = String(addr[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// Creates a directory and its parents.
func mkdirAll(_ path: String) -> Bool {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
        current += "/" + part
        if mkdir(current, 0o755) != 0 && errno != EEXIST { return false }
    }
    return true
}

/// Delivers SIGINT, SIGTERM and SIGHUP in order. (Unchecked: the dispatch sources are only kept alive, never
/// touched again.)
final class SignalWaiter: @unchecked Sendable {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { continuation.yield(sig) }
            s.resume()
            sources.append(s)
        }
        self.sources = sources
    }

    /// The next signal received (SIGTERM when the stream ends).
    func next() async -> Int32 {
        var it = stream.makeAsyncIterator()
        return await it.next() ?? SIGTERM
    }
}

#if canImport(Glibc)
/// glibc's `mallopt` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("mallopt")
private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif
