import FileSource
import LogCore
import Logging
import Metrics
import Runtime
import Synchronization

/// `loki.source.file`: reads the files named by its targets' `__path__` labels, cuts them into lines and
/// forwards the entries, labelled with the target's non-reserved labels and `filename`.
///
/// First version: every file is read from its start and then followed as it grows. Positions, rotation,
/// truncation, compressed files and encodings other than UTF-8 are not handled yet.
public final class LokiSourceFile: TypedComponent {
    public struct Arguments: ComponentArguments {
        var targets: [[String: String]]
        var forwardTo: [ReceiverRef]
        var encoding: String
        var tailFromEnd: Bool
        var legacyPositionsFile: String
        var onPositionsFileError: String
        var minPoll: AlloyDuration = .milliseconds(250)
        var maxPoll: AlloyDuration = .milliseconds(250)
        var fileMatchEnabled = false
        var fileMatchSyncPeriod: AlloyDuration = .seconds(10)
        var fileMatchIgnoreOlderThan: AlloyDuration = .zero

        public init(_ d: inout BodyDecoder) {
            targets = d.required("targets")
            forwardTo = d.required("forward_to")
            encoding = d.attribute("encoding", default: "")
            tailFromEnd = d.attribute("tail_from_end", default: false)
            legacyPositionsFile = d.attribute("legacy_positions_file", default: "")
            onPositionsFileError = d.attribute("on_positions_file_error", default: "restart_from_beginning")
            if !["skip", "restart_from_end", "restart_from_beginning"].contains(onPositionsFileError) {
                d.error("on_positions_file_error must be one of skip, restart_from_end, restart_from_beginning",
                        attribute: "on_positions_file_error")
            }
            if !["", "utf-8", "UTF-8", "utf8"].contains(encoding) {
                d.error("encoding \"\(encoding)\" is not supported yet", attribute: "encoding")
            }
            if !legacyPositionsFile.isEmpty {
                d.warning("legacy_positions_file is not imported yet: positions are not implemented in this version",
                          attribute: "legacy_positions_file")
            }
            if var w = d.block("file_watch") {
                minPoll = w.attribute("min_poll_frequency", default: .milliseconds(250))
                maxPoll = w.attribute("max_poll_frequency", default: .milliseconds(250))
                if minPoll > maxPoll { minPoll = maxPoll }
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
                let _: AlloyDuration = z.attribute("initial_delay", default: .zero)
                if !["gz", "z", "bz2"].contains(format) {
                    z.error("decompression format must be one of gz, z, bz2", attribute: "format")
                }
                if enabled { z.error("decompression is not supported yet", attribute: "enabled") }
                d.absorb(&z)
            }
        }
    }

    private struct Reader {
        var task: Task<Void, Never>
    }

    private let options: ComponentOptions
    private let logger: Logger
    private let state: Mutex<(arguments: Arguments, readers: [String: Reader], stopped: Bool)>
    private let wake = WakeSignal()
    private let filesActive: Gauge

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        var logger = Logger(label: "tributary")
        logger[metadataKey: "component"] = "\(options.id)"
        self.logger = logger
        state = Mutex((arguments, [:], false))
        filesActive = Gauge(label: "loki_source_file_files_active_total", dimensions: [("component_id", options.id)])
    }

    public var exports: [String: Value] { [:] }

    public func update(arguments: Arguments) async throws {
        state.withLock { $0.arguments = arguments }
        wake.signal()
    }

    public func run() async {
        while !Task.isCancelled {
            reconcile()
            let args = state.withLock { $0.arguments }
            await wake.wait(timeout: args.fileMatchEnabled ? args.fileMatchSyncPeriod.swiftDuration : .seconds(3600))
        }
        let readers = state.withLock { s -> [Reader] in
            s.stopped = true
            let r = Array(s.readers.values)
            s.readers = [:]
            return r
        }
        for r in readers { r.task.cancel() }
        for r in readers { await r.task.value }
        filesActive.record(0)
    }

    /// The (path, labels) pairs the current arguments ask for.
    private func desired(_ args: Arguments) -> [String: (path: String, labels: LabelSet)] {
        var targets = args.targets
        if args.fileMatchEnabled {
            targets = FileMatch.resolve(targets, ignoreOlderThan: args.fileMatchIgnoreOlderThan.nanoseconds,
                                        nowNanoseconds: WallClock.nowNanoseconds())
        }
        var out: [String: (String, LabelSet)] = [:]
        for t in targets {
            guard let path = t["__path__"], !path.isEmpty else { continue }
            var labels = LabelSet(t).withoutReserved
            labels["filename"] = path
            out[path + "\u{0}" + labels.description] = (path, labels)
        }
        return out
    }

    private func reconcile() {
        let args = state.withLock { $0.arguments }
        let want = desired(args)
        let fanout = args.forwardTo.fanout
        let poll = args.minPoll.swiftDuration
        let logger = self.logger
        let id = options.id
        state.withLock { s in
            guard !s.stopped else { return }
            for (key, reader) in s.readers where want[key] == nil {
                reader.task.cancel()
                s.readers[key] = nil
            }
            for (key, target) in want where s.readers[key] == nil {
                let reader = FileReader(path: target.path, labels: target.labels, pollInterval: poll)
                let lines = Counter(label: "loki_source_file_read_lines_total", dimensions: [("component_id", id), ("path", target.path)])
                let bytes = Counter(label: "loki_source_file_read_bytes_total", dimensions: [("component_id", id), ("path", target.path)])
                let task = Task {
                    do {
                        try await reader.run(forwardTo: fanout) { n, b in
                            lines.increment(by: n)
                            bytes.increment(by: b)
                        }
                    } catch {
                        logger.error("failed to read file", metadata: ["path": "\(target.path)", "err": "\(error)"])
                    }
                }
                s.readers[key] = Reader(task: task)
            }
            filesActive.record(s.readers.count)
        }
    }
}
