import ArgumentParser
import Syntax
#if canImport(Glibc)
import Glibc
#endif

/// `tributary fmt [-w|-t] [FILE...]`: prints or rewrites the canonical form, as `alloy fmt` does.
struct FmtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fmt",
        abstract: "Format Alloy configuration files into their canonical form.",
        aliases: ["format"]
    )

    @Flag(name: [.short, .long], help: "Write the result back to the file instead of printing it.")
    var write = false

    @Flag(name: [.short, .long], help: "Exit non-zero if a file is not formatted correctly.")
    var test = false

    @Argument(help: "Files to format; none or '-' reads standard input.")
    var files: [String] = []

    mutating func validate() throws {
        if write && test { throw ValidationError("-w and -t cannot be used together") }
    }

    mutating func run() throws {
        let inputs = files.isEmpty ? ["-"] : files
        var failed = false
        for path in inputs {
            let name = path == "-" ? "<stdin>" : path
            let bytes: [UInt8]
            do {
                bytes = path == "-" ? try readStandardInput() : try readFileBytes(path)
            } catch {
                printError("\(name): \(error)")
                failed = true
                continue
            }
            let source = SourceFile(name: name, bytes: bytes)
            let formatted: String
            do {
                formatted = try Formatter.format(source)
            } catch let diags {
                for d in diags.items { printError(d.description) }
                printError("encountered errors during formatting")
                failed = true
                continue
            }
            let changed = Array(formatted.utf8) != bytes
            if test {
                if changed {
                    printError("file \(name) is not formatted correctly")
                    failed = true
                }
            } else if write && path != "-" {
                if changed {
                    do { try writeFileAtomically(path, Array(formatted.utf8)) } catch {
                        printError("\(name): \(error)")
                        failed = true
                    }
                }
            } else {
                writeStandardOutput(formatted)
            }
        }
        if failed { throw ExitCode(1) }
    }
}
