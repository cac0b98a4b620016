import ArgumentParser

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the pipeline of a configuration file or directory.")
    @Argument var config: String
    func run() async throws {}
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a configuration without running it.")
    @Argument var config: String
    func run() throws {}
}
