import ArgumentParser
import Platform
import Components
import LogCore
import Runtime
import Syntax
#if canImport(Glibc)
import Glibc
#endif

/// Reads and parses a configuration file, or every `*.alloy` file of a directory, and builds its graph.
enum ConfigLoader {
    /// The files of `path`: the file itself, or the sorted `*.alloy` files of a directory.
    static func files(at path: String) throws -> [String] {
        var st = stat()
        guard stat(path, &st) == 0 else { throw FileIOError(path: path, code: errno) }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { return [path] }
        guard let d = opendir(path) else { throw FileIOError(path: path, code: errno) }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasSuffix(".alloy") { names.append(path + "/" + name) }
        }
        if names.isEmpty { throw FileIOError(path: path, message: "no *.alloy files in directory") }
        return names.sorted()
    }

    /// For the commands: the loaded configuration, or its diagnostics printed to stderr and exit status 1.
    static func loadOrExit(_ path: String) throws -> ConfigGraph {
        do { return try load(path) } catch {
            printError(error.pretty())
            throw ExitCode(1)
        }
    }

    /// Parses and loads the configuration; on failure, the diagnostics (file errors become diagnostics too).
    static func load(_ path: String, registry: Registry = AllComponents.registry) throws(Diagnostics) -> ConfigGraph {
        let paths: [String]
        do { paths = try files(at: path) } catch {
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
        return try ConfigGraph.load(parsed, registry: registry)
    }
}
