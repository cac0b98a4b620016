import FileSource
import LogCore
import Logging
import Evaluation
import Runtime
import Synchronization

/// `loki.source.file`: tails the files named by its targets' `__path__` labels and forwards their lines, labelled
/// with the target's non-reserved labels and `filename`. Positions live in `<data>/positions.yml` and only move past
/// lines that every receiver acknowledged. See `FileSource` for rotation, truncation and encoding handling.
public final class LokiSourceFile: TypedComponent {
    public struct Arguments: ComponentArguments {
        var targets: TargetList
        var forwardTo: [ReceiverRef]
        var legacyPositionsFile: String
        var tailer = TailerConfig()
        var fileMatchEnabled = false
        var fileMatchSyncPeriod: AlloyDuration = .seconds(10)
        var fileMatchIgnoreOlderThan: AlloyDuration = .zero

        public init(_ d: inout BodyDecoder) {
            targets = d.required("targets")
            forwardTo = d.required("forward_to")
            let encodingName: String = d.attribute("encoding", default: "")
            if !encodingName.isEmpty {
                if let e = TextEncoding(name: encodingName) {
                    tailer.encoding = e
                } else {
                    d.error("unsupported encoding \"\(encodingName)\"; supported: UTF-8, UTF-16, UTF-16LE, UTF-16BE, ISO-8859-1", attribute: "encoding")
                }
            }
            tailer.tailFromEnd = d.attribute("tail_from_end", default: false)
            legacyPositionsFile = d.attribute("legacy_positions_file", default: "")
            let policy: String = d.attribute("on_positions_file_error", default: "restart_from_beginning")
            if let p = PositionsErrorPolicy(rawValue: policy) {
                tailer.onPositionsError = p
            } else {
                d.error("on_positions_file_error must be one of skip, restart_from_end, restart_from_beginning",
                        attribute: "on_positions_file_error")
            }
            // Tributary extensions.
            let maxLine: ByteSize = d.attribute("max_line_size", default: ByteSize(bytes: 256 * 1024))
            if maxLine.bytes < 0 { d.error("max_line_size must not be negative", attribute: "max_line_size") }
            tailer.maxLineSize = Int(max(0, maxLine.bytes))
            let partialTimeout: AlloyDuration = d.attribute("partial_line_timeout", default: .zero)
            if partialTimeout.nanoseconds > 0 { tailer.partialLineIdleTimeout = partialTimeout.swiftDuration }

            if var w = d.block("file_watch") {
                let minPoll: AlloyDuration = w.attribute("min_poll_frequency", default: .milliseconds(250))
                let maxPoll: AlloyDuration = w.attribute("max_poll_frequency", default: .milliseconds(250))
                if minPoll.nanoseconds <= 0 || maxPoll.nanoseconds <= 0 {
                    w.error("poll frequencies must be greater than 0")
                }
                tailer.maxPoll = max(maxPoll, .milliseconds(1)).swiftDuration
                tailer.minPoll = min(max(minPoll, .milliseconds(1)), max(maxPoll, .milliseconds(1))).swiftDuration
                d.absorb(&w)
            }
            if var m = d.block("file_match") {
                fileMatchEnabled = m.attribute("enabled", default: false)
                fileMatchSyncPeriod = m.attribute("sync_period", default: .seconds(10))
                fileMatchIgnoreOlderThan = m.attribute("ignore_older_than", default: .zero)
                if fileMatchSyncPeriod.nanoseconds <= 0 { m.error("sync_period must be greater than 0", attribute: "sync_period") }
                d.absorb(&m)
            }
            if var z = d.block("decompression") {
                let enabled: Bool = z.required("enabled")
                let format: String = z.required("format")
                let delay: AlloyDuration = z.attribute("initial_delay", default: .zero)
                if format == "bz2" {
                    z.error("decompression format bz2 is not supported by Tributary; use gz or z", attribute: "format")
                } else if let f = DecompressionConfig.Format(rawValue: format) {
                    if enabled { tailer.decompression = DecompressionConfig(format: f, initialDelay: delay.swiftDuration) }
                } else if z.has("format") {
                    z.error("decompression format must be one of gz, z, bz2", attribute: "format")
                }
                if enabled && tailer.tailFromEnd {
                    z.error("tail_from_end is not supported together with decompression")
                }
                d.absorb(&z)
            }
        }
    }

    private let options: ComponentOptions
    private let group: FileTailerGroup
    private let state: Mutex<Arguments>
    private let wake = WakeSignal()

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        var logger = Logger(label: "tributary")
        logger[metadataKey: "component"] = "\(options.id)"
        group = try FileTailerGroup(componentID: options.id, positionsPath: options.dataPath + "/positions.yml",
                                    legacyPositionsFile: arguments.legacyPositionsFile.isEmpty ? nil : arguments.legacyPositionsFile,
                                    config: arguments.tailer, forward: arguments.forwardTo.fanout, logger: logger)
        state = Mutex(arguments)
    }

    public var exports: [String: Value] { [:] }

    public func update(arguments: Arguments) async throws {
        let old = state.withLock { s -> Arguments in
            let o = s
            s = arguments
            return o
        }
        let receiversChanged = old.forwardTo.map(\.capsule.ownerID) != arguments.forwardTo.map(\.capsule.ownerID)
        await group.update(config: arguments.tailer, forward: arguments.forwardTo.fanout, receiversChanged: receiversChanged)
        wake.signal()
    }

    public func run() async {
        let positionsLoop = Task { await group.run() }
        var resolver = FileMatch.Resolver()
        while !Task.isCancelled {
            reconcile(&resolver)
            let args = state.withLock { $0 }
            await wake.wait(timeout: args.fileMatchEnabled ? args.fileMatchSyncPeriod.swiftDuration : .seconds(3600))
        }
        positionsLoop.cancel()
        await positionsLoop.value
    }

    /// The files the current arguments ask for.
    private func reconcile(_ resolver: inout FileMatch.Resolver) {
        let args = state.withLock { $0 }
        var targets = args.targets.targets
        if args.fileMatchEnabled {
            let now = WallClock.nowNanoseconds()
            let active = Set(group.activeTargets.map(\.path))
            targets = resolver.resolve(targets, nowNanoseconds: now).filter { t in
                let path = t["__path__"]!
                return args.fileMatchIgnoreOlderThan.nanoseconds <= 0 || active.contains(path)
                    || !FileMatch.modifiedBefore(path, age: args.fileMatchIgnoreOlderThan.nanoseconds, nowNanoseconds: now)
            }
        }
        var out: [FileTailerGroup.Target] = []
        for t in targets {
            guard let path = t["__path__"], !path.isEmpty else { continue }
            var labels = t.withoutReserved
            labels["filename"] = nil
            out.append(FileTailerGroup.Target(path: path, labels: labels))
        }
        group.sync(targets: out)
    }
}
