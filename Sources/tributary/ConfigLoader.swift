import ArgumentParser
import Platform
import Components
import LogCore
import Runtime
import Syntax

/// Reads and parses a configuration file, or every `*.alloy` file of a directory, and builds its graph (fetching
/// the modules of its `import.http` blocks).
enum ConfigLoader {
    /// The files of `path` (the file itself, or the sorted `*.alloy` files of a directory) and its `module_path`
    /// (the directory the file is in, or the directory itself), as Alloy sets it for the configuration.
    static func files(at path: String) throws -> (files: [String], modulePath: String) {
        let (names, isDirectory) = try alloyFiles(at: path)
        if isDirectory && names.isEmpty { throw FileIOError(path: path, message: "no *.alloy files in directory") }
        if isDirectory { return (names, path) }
        guard let slash = path.lastIndex(of: "/") else { return (names, ".") }
        return (names, slash == path.startIndex ? "/" : String(path[..<slash]))
    }

    /// For the commands: the loaded configuration, or its diagnostics printed to stderr and exit status 1.
    static func loadOrExit(_ path: String) async throws -> ConfigGraph {
        do { return try await load(path) } catch {
            printError(error.pretty())
            throw ExitCode(1)
        }
    }

    /// Parses and loads the configuration; on failure, the diagnostics (file errors become diagnostics too).
    static func load(_ path: String, registry: Registry = AllComponents.registry) async throws(Diagnostics) -> ConfigGraph {
        let paths: [String], modulePath: String
        do { (paths, modulePath) = try files(at: path) } catch {
            throw Diagnostics([Diagnostic(file: nil, start: -1, message: "\(error)")])
        }
        var parsed: [File] = []
        var diags = Diagnostics()
        for p in paths {
            let bytes: [UInt8]
            do { bytes = try readFileBytes(p) } catch {
                diags.append(Diagnostic(file: nil, start: -1, message: "\(error)"))
                continue
            }
            do throws(Diagnostics) { parsed.append(try Parser.parse(SourceFile(name: p, bytes: bytes))) } catch {
                diags.append(contentsOf: error)
            }
        }
        if diags.hasErrors { throw diags }
        return try await ModuleFetcher.load(parsed, registry: registry, modulePath: modulePath)
    }
}
