import ArgumentParser
import Evaluation
import Runtime
import Syntax

/// `tributary validate CONFIG`: parses, type-checks every component's arguments and checks the graph.
/// Prints nothing on stdout and exits 0 when valid; prints the diagnostics to stderr and exits 1 otherwise.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file or directory without running it."
    )

    @Argument(help: "Configuration file or directory.")
    var config: String

    @Option(name: .customLong("stability.level"), help: "generally-available, public-preview or experimental.")
    var stabilityLevel = "generally-available"

    func run() async throws {
        Stdlib.version = TributaryVersion.string
        let graph = try await ConfigLoader.loadOrExit(config)
        var diags = graph.warnings
        diags.append(contentsOf: Controller.validate(graph, allowExperimental: stabilityLevel == "experimental"))
        if !diags.isEmpty { printError(diags.pretty()) }
        if diags.hasErrors { throw ExitCode(1) }
    }
}
