import ArgumentParser

/// The `tributary` command: a node log collector configured in Alloy syntax.
@main
struct Tributary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tributary",
        abstract: "A node-level log collector for Kubernetes, configured in Grafana Alloy's syntax.",
        version: TributaryVersion.string,
        subcommands: [RunCommand.self, ValidateCommand.self, FmtCommand.self, TestCommand.self]
    )
}

/// The version printed by `--version` and `constants.version`.
enum TributaryVersion {
    static let string = "v0.1.0"
}
