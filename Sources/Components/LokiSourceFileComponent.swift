import Platform
import FileSource
import LogCore
import Logging
import Evaluation
import Runtime
import Synchronization

/// `loki.source.file`: tails the files named by its targets' `__path__` labels and forwards their lines, labelled
/// with the target's non-reserved labels and `filename`. Positions live in `<data>/positions.yml` and only move past
/// lines that every receiver acknowledged. See `FileSource` for rotation, truncation and encoding handling.
public final class LokiSourceFileComponent: TypedComponent, DebugInfoReporting {
    public struct Arguments: ComponentArguments {
        var targets: TargetList
        var forwardTo: [ReceiverRef]
        var legacyPositionsFile: String
        var tailer = TailerConfig()
        var fileMatchEnabled = false
        var fileMatch = FileMatch.Settings()

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
            d.read("tail_from_end", into: &tailer.tailFromEnd)
            legacyPositionsFile = d.attribute("legacy_positions_file", default: "")
            if let policy = d.optional("on_positions_file_error", as: String.self) {
                if let p = PositionsErrorPolicy(rawValue: policy) {
                    tailer.onPositionsError = p
                } else {
                    d.error("on_positions_file_error must be one of skip, restart_from_end, restart_from_beginning",
                            attribute: "on_positions_file_error")
                }
            }
            // Tributary extensions.
            d.readSize("max_line_size", into: &tailer.maxLineSize)
            if let timeout = d.optional("partial_line_timeout", as: Duration.self), timeout > .zero {
                tailer.partialLineIdleTimeout = timeout
            }
            d.report(tailer.problems)

            if var w = d.block("file_watch") {
                w.read("min_poll_frequency", into: &tailer.minPoll)
                w.read("max_poll_frequency", into: &tailer.maxPoll)
                w.report(tailer.pollProblems)
                tailer = tailer.withPollsInRange
                d.absorb(&w)
            }
            if var m = d.block("file_match") {
                fileMatchEnabled = m.attribute("enabled", default: false)
                fileMatch = FileMatch.Settings.decode(&m)
                d.absorb(&m)
            }
            if var z = d.block("decompression") {
                let enabled: Bool = z.required("enabled")
                let format: String = z.required("format")
                let delay: AlloyDuration = z.attribute("initial_delay", default: .zero)
                if let f = DecompressionConfig.Format(rawValue: format) {
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

    private let tap: LiveTap

    /// Alloy's `targets_info` blocks (path, labels, is_running, read_offset), with the file's size and the bytes
    /// not read yet.
    public var debugInfo: [EvaluatedStatement] {
        group.targetStates.map { t in
            var body: [EvaluatedStatement] = [
                .attribute(name: "path", value: .string(t.path)),
                .attribute(name: "labels", value: .string(t.labels)),
                .attribute(name: "is_running", value: .bool(true)),
                .attribute(name: "read_offset", value: .number(.int(t.offset))),
            ]
            if let size = t.size {
                body.append(.attribute(name: "size", value: .number(.int(size))))
                body.append(.attribute(name: "lag_bytes", value: .number(.int(max(0, size - t.offset)))))
            }
            return .block(name: "targets_info", label: "", body: body)
        }
    }

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        tap = options.liveTap
        self.options = options
        let logger = options.logger
        group = try FileTailerGroup(componentID: options.id, positionsPath: options.dataPath + "/positions.yml",
                                    legacyPositionsFile: arguments.legacyPositionsFile.isEmpty ? nil : arguments.legacyPositionsFile,
                                    config: arguments.tailer, forward: arguments.forwardTo.fanout(tap), logger: logger,
                                    ledger: options.shared.object { SourceLedger() })
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
        await group.update(config: arguments.tailer, forward: arguments.forwardTo.fanout(tap), receiversChanged: receiversChanged)
        wake.signal()
    }

    public func run() async {
        let positionsLoop = Task { await group.run() }
        var resolver = FileMatch.Resolver()
        while !Task.isCancelled {
            reconcile(&resolver)
            let args = state.withLock { $0 }
            await wake.wait(timeout: args.fileMatchEnabled ? args.fileMatch.syncPeriod : .seconds(3600))
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
                return args.fileMatch.ignoreOlderThan.nanoseconds <= 0 || active.contains(path)
                    || !FileMatch.modifiedBefore(path, age: args.fileMatch.ignoreOlderThan.nanoseconds, nowNanoseconds: now)
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
