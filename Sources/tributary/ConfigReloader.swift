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

    init(path: String, controller: Controller, drainTimeout: Duration, logger: Logger, applied: @escaping @Sendable (ConfigGraph) async -> Void = { _ in }) {
        self.applied = applied
        self.path = path
        self.controller = controller
        self.drainTimeout = drainTimeout
        self.logger = logger
        lastSuccessful.record(1)
    }

    /// Reloads; returns whether the new configuration was applied, and what to tell the caller (the diagnostics of
    /// a refused configuration, or a summary).
    func reload() async -> (applied: Bool, message: String) {
        let graph: ConfigGraph
        do throws(Diagnostics) { graph = try ConfigLoader.load(path) } catch {
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
        controller.shared.object { LiveDebugHub() }.setEnabled(graph.liveDebugging)
        await applied(graph)
        logger.info("configuration reloaded", metadata: [
            "added": "\(result.added.joined(separator: ","))", "updated": "\(result.updated.joined(separator: ","))",
            "removed": "\(result.removed.joined(separator: ","))", "unchanged": "\(result.unchanged)",
        ])
        return (true, "config reloaded (\(summary))\n")
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
