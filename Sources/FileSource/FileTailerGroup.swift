import Platform
import LogCore
import Logging
import Metrics
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The engine of one `loki.source.file` component: one tailer per (path, label set) target, a shared positions
/// store and inotify watcher, a bound on concurrent readers, and the periodic positions sync.
public final class FileTailerGroup: Sendable {
    /// One file to read and the labels of its entries.
    public struct Target: Sendable, Hashable {
        public var path: String
        /// The target's labels without reserved (`__`) ones and without `filename`.
        public var labels: LabelSet
        public init(path: String, labels: LabelSet) {
            self.path = path
            self.labels = labels
        }
    }

    private struct Running {
        var task: Task<Void, Never>
    }

    private struct State {
        var config: TailerConfig
        var forward: Fanout
        var running: [Target: Running] = [:]
        /// Tailers of vanished targets that may still be finishing; a new tailer of the same target waits for it.
        var stopping: [Target: Task<Void, Never>] = [:]
        var stopped = false
        /// Files that had a tailer in this run: only the first one resumes from the marks recovered at start (later
        /// ones find newer positions in the positions table).
        var started: Set<PositionKey> = []
    }

    public let componentID: String
    public let positions: PositionsStore
    private let watcher: DirectoryWatcher?
    private let permits: AsyncSemaphore
    private let logger: Logger
    private let state: Mutex<State>
    private let filesActive: Gauge
    private let ledger: SourceLedger?
    /// How often changed positions are written.
    public let positionsSyncInterval: Duration

    /// - Parameters:
    ///   - positionsPath: the positions file (e.g. `<data>/positions.yml`).
    ///   - legacyPositionsFile: a Promtail positions file to import when the positions file is missing or empty.
    public init(componentID: String, positionsPath: String, legacyPositionsFile: String?, config: TailerConfig,
                forward: Fanout, logger: Logger, maxConcurrentReaders: Int = 8,
                positionsSyncInterval: Duration = .milliseconds(100), ledger: SourceLedger? = nil) throws {
        self.componentID = componentID
        self.ledger = ledger
        self.positions = try PositionsStore(path: positionsPath, legacyPath: legacyPositionsFile)
        self.watcher = DirectoryWatcher()
        self.permits = AsyncSemaphore(permits: maxConcurrentReaders)
        self.logger = logger
        self.state = Mutex(State(config: config, forward: forward))
        self.filesActive = Gauge(label: "loki_source_file_files_active_total", dimensions: [("component_id", componentID)])
        self.positionsSyncInterval = positionsSyncInterval
        if watcher == nil { logger.warning("inotify is unavailable; noticing file changes by polling only") }
    }

    /// The targets currently being read.
    public var activeTargets: Set<Target> { state.withLock { Set($0.running.keys) } }

    /// What one target's reading stands at: its position (the end of the last acknowledged line) and the file's
    /// size now (nil when it cannot be read).
    public struct TargetState: Sendable {
        public var path: String
        public var labels: String
        public var offset: Int64
        public var size: Int64?
    }

    /// The state of every target being read, by path.
    public var targetStates: [TargetState] {
        activeTargets.sorted { ($0.path, $0.labels.description) < ($1.path, $1.labels.description) }.map { t in
            let key = PositionKey(path: t.path, labels: t.labels.description)
            var st = stat()
            let size = stat(t.path, &st) == 0 ? Int64(st.st_size) : nil
            return TargetState(path: t.path, labels: key.labels, offset: positions.position(for: key)?.through ?? 0, size: size)
        }
    }

    /// Changes the reading settings or receivers. When either changed, running tailers stop (and are waited for,
    /// so that their last positions are recorded); the next ``sync(targets:)`` starts them again from there.
    public func update(config: TailerConfig, forward: Fanout, receiversChanged: Bool) async {
        let restart = state.withLock { s -> [Running] in
            let changed = s.config != config || receiversChanged
            s.config = config
            s.forward = forward
            guard changed else { return [] }
            let r = Array(s.running.values)
            s.running = [:]
            return r
        }
        for r in restart { r.task.cancel() }
        for r in restart { await r.task.value }
    }

    /// Starts tailers for new targets and stops those of vanished ones (their positions are kept).
    public func sync(targets: [Target]) {
        let want = Set(targets)
        state.withLock { s in
            guard !s.stopped else { return }
            for (t, r) in s.running where !want.contains(t) {
                r.task.cancel()
                s.running[t] = nil
                s.stopping[t] = r.task
            }
            for t in want where s.running[t] == nil {
                let first = s.started.insert(PositionKey(path: t.path, labels: t.labels.description)).inserted
                s.running[t] = Running(task: makeTask(t, s.config, s.forward, after: s.stopping.removeValue(forKey: t),
                                                      firstInThisRun: first))
            }
            if s.stopping.count > 1024 { s.stopping = [:] }
            filesActive.record(s.running.count)
        }
    }

    private func makeTask(_ t: Target, _ config: TailerConfig, _ forward: Fanout, after previous: Task<Void, Never>?,
                          firstInThisRun: Bool) -> Task<Void, Never> {
        var entryLabels = t.labels
        entryLabels["filename"] = t.path
        let key = PositionKey(path: t.path, labels: t.labels.description)
        let ctx = TailerContext(componentID: componentID, config: config, positions: positions, forward: forward,
                                watcher: watcher, readPermits: permits, logger: logger, ledger: firstInThisRun ? ledger : nil)
        let labels = entryLabels
        let path = t.path
        if let z = config.decompression {
            return Task {
                await previous?.value
                await CompressedFileReader(path: path, labels: labels, key: key, ctx: ctx, decompression: z).run()
            }
        }
        return Task {
            await previous?.value
            await FileTailer(path: path, labels: labels, key: key, context: ctx).run()
        }
    }

    /// Writes changed positions every `positionsSyncInterval` until cancelled; then stops every tailer, waits for
    /// them and writes the positions a last time.
    public func run() async {
        var sinceForget = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: positionsSyncInterval)
            syncPositions()
            sinceForget += 1
            if sinceForget >= 600 {
                sinceForget = 0
                positions.forgetStale()
            }
        }
        let tasks = state.withLock { s -> [Task<Void, Never>] in
            s.stopped = true
            let t = s.running.values.map(\.task) + s.stopping.values
            s.running = [:]
            s.stopping = [:]
            return t
        }
        for t in tasks { t.cancel() }
        for t in tasks { await t.value }
        syncPositions()
        watcher?.stop()
        filesActive.record(0)
    }

    public func syncPositions() {
        do { try positions.sync() } catch {
            logger.error("cannot write positions file", metadata: ["err": "\(error)"])
        }
    }
}
