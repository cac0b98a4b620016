import Components
import LogCore
import Logging
import Metrics
import Runtime
import Syntax

/// Re-reads the configuration and applies it to the running pipeline (SIGHUP and `/-/reload`), one reload at a
/// time. Counts reloads in Alloy's metrics: `alloy_config_last_load_successful` and
/// `alloy_config_load_failures_total`.
actor ConfigReloader {
    let path: String
    let controller: Controller
    let drainTimeout: Duration
    let logger: Logger
    private let lastSuccessful = Gauge(label: "alloy_config_last_load_successful")
    private let failures = Counter(label: "alloy_config_load_failures_total")

    /// Runs after a configuration is applied (the `logging` block).
    let applied: @Sendable (ConfigGraph) async -> Void

    /// The imported module sources of the running configuration, each with when it is next polled.
    private var watched: [(source: ImportedSource, due: ContinuousClock.Instant)] = []

    init(path: String, controller: Controller, drainTimeout: Duration, logger: Logger, imports: [ImportedSource],
         applied: @escaping @Sendable (ConfigGraph) async -> Void = { _ in }) {
        self.applied = applied
        self.path = path
        self.controller = controller
        self.drainTimeout = drainTimeout
        self.logger = logger
        lastSuccessful.record(1)
        watched = imports.map { ($0, .now + $0.pollFrequency) }
    }

    /// The reload in progress: the next one waits for it (the actor alone would let two interleave at their
    /// suspension points — SIGHUP, `/-/reload` and a changed module can ask at once).
    private var current: Task<(applied: Bool, message: String), Never>?

    /// Reloads once every reload asked for before has finished; returns whether the new configuration was applied,
    /// and what to tell the caller (the diagnostics of a refused configuration, or a summary).
    func reload() async -> (applied: Bool, message: String) {
        let previous = current
        let task = Task {
            _ = await previous?.value
            return await self.reloadNow()
        }
        current = task
        return await task.value
    }

    private func reloadNow() async -> (applied: Bool, message: String) {
        let graph: ConfigGraph
        do throws(Diagnostics) { graph = try await ConfigLoader.load(path) } catch {
            return refused(error)
        }
        let result = await controller.reload(graph, drainTimeout: drainTimeout)
        if result.diagnostics.hasErrors && result.added.isEmpty && result.updated.isEmpty && result.removed.isEmpty {
            return refused(result.diagnostics)
        }
        for w in result.diagnostics.items where w.severity == .warning { logger.warning("\(w.description)") }
        let summary = "added: \(result.added.count), updated: \(result.updated.count), removed: \(result.removed.count), unchanged: \(result.unchanged)"
        if result.diagnostics.hasErrors {
            failures.increment()
            lastSuccessful.record(0)
            let errors = result.diagnostics.items.filter { $0.severity == .error }.map(\.description)
            logger.error("configuration reloaded with errors", metadata: ["summary": "\(summary)", "errors": "\(errors.joined(separator: "; "))"])
            return (false, "configuration reloaded with errors (\(summary)):\n" + errors.joined(separator: "\n") + "\n")
        }
        lastSuccessful.record(1)
        watched = graph.importedSources.map { ($0, .now + $0.pollFrequency) }
        controller.shared.object { LiveDebugHub() }.setEnabled(graph.liveDebugging)
        await applied(graph)
        logger.info("configuration reloaded", metadata: [
            "added": "\(result.added.joined(separator: ","))", "updated": "\(result.updated.joined(separator: ","))",
            "removed": "\(result.removed.joined(separator: ","))", "unchanged": "\(result.unchanged)",
        ])
        return (true, "config reloaded (\(summary))\n")
    }

    /// Polls the files and URLs the configuration imports modules from, each at its `poll_frequency`, and reloads
    /// when what one holds changed (a source that cannot be read is reported and leaves the pipeline as it is).
    func watchImports() async {
        while !Task.isCancelled {
            let next = watched.map(\.due).min() ?? .now + .seconds(1)
            try? await Task.sleep(until: min(next, .now + .seconds(1)))
            if Task.isCancelled { return }
            var changed: String? = nil
            for i in watched.indices where watched[i].due <= .now {
                let source = watched[i].source
                watched[i].due = .now + source.pollFrequency
                guard let digest = await currentDigest(source.location) else { continue }
                if digest != source.digest {
                    watched[i].source.digest = digest
                    changed = changed ?? describe(source.location)
                }
            }
            if let changed {
                logger.info("an imported module changed, reloading the configuration", metadata: ["module": "\(changed)"])
                _ = await reload()
            }
        }
    }

    private func currentDigest(_ location: ImportedSource.Location) async -> UInt64? {
        switch location {
        case .file(let path):
            let digest = ImportedSource.currentDigest(of: path)
            if digest == nil { logger.warning("cannot read an imported module; keeping the running one", metadata: ["path": "\(path)"]) }
            return digest
        case .http(let block):
            switch await ModuleFetcher.fetch(block) {
            case .success(let bytes): return ImportedSource.digest([bytes])
            case .failure(let failure):
                logger.warning("cannot fetch an imported module; keeping the running one", metadata: ["url": "\(block.url)", "err": "\(failure)"])
                return nil
            }
        }
    }

    private func describe(_ location: ImportedSource.Location) -> String {
        switch location {
        case .file(let path): path
        case .http(let block): block.url
        }
    }

    private func refused(_ diagnostics: Diagnostics) -> (Bool, String) {
        failures.increment()
        lastSuccessful.record(0)
        logger.error("the new configuration is refused; the running pipeline is unchanged", metadata: [
            "errors": "\(diagnostics.items.filter { $0.severity == .error }.map(\.description).joined(separator: "; "))",
        ])
        return (false, diagnostics.pretty())
    }
}
