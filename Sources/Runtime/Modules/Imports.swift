import Evaluation
import Platform
import Syntax
#if canImport(Glibc)
import Glibc
#endif

/// A module source the agent watches: when what it reads there changes, the configuration is reloaded (Alloy's
/// import blocks poll their source too).
public struct ImportedSource: Sendable {
    public enum Location: Sendable {
        /// A file, or a directory whose `*.alloy` files make the module.
        case file(String)
        /// An `import.http` block: fetched again to tell whether it changed.
        case http(HTTPImportBlock)
    }
    public var location: Location
    public var pollFrequency: Duration
    /// A hash of the content read when the configuration was loaded.
    public var digest: UInt64

    /// A hash of module texts, as ``digest`` holds.
    public static func digest(_ texts: [[UInt8]]) -> UInt64 {
        var h = FNV1a()
        for t in texts { h.add(UInt64(t.count)); h.add(t) }
        return h.value
    }
}

/// What an `import.http` block asks for.
public struct HTTPImportRequest: Sendable, Hashable {
    public var url: String
    public var method: String
    public var headers: [String: String]
    public var body: String
    public var timeout: Duration
}

/// An `import.http` block whose module must be fetched before the configuration can load: the request, and its
/// `client` block (decoded by the module that knows HTTP clients).
public struct HTTPImportBlock: Sendable {
    public var url: String { request.url }
    public var request: HTTPImportRequest
    public var client: [Statement]
    public var source: SourceFile
    public var anchor: (start: Int, end: Int)
}

/// The modules fetched for the `import.http` blocks of a configuration, by request: the module text, or why it
/// could not be fetched.
public struct FetchedModules: Sendable {
    public var contents: [HTTPImportRequest: Result<[UInt8], FetchFailure>] = [:]
    public init() {}
}

/// Why a module could not be fetched (the server's status and body, or the transport error).
public struct FetchFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A module an import block read: its files, its `module_path`, and the source to watch.
struct ImportedModule {
    var files: [SourceFile]
    var modulePath: String?
    var watched: ImportedSource?
}

enum ImportRead {
    case success(ImportedModule)
    case failure(String)
    /// An `import.http` whose module is not fetched yet.
    case notFetched(HTTPImportBlock)
}

/// Reads the arguments of the import blocks and the modules they name.
enum ImportReading {
    static func read(_ b: Block, _ d: inout BodyDecoder, variables: [String: Value], fetched: FetchedModules) -> ImportRead {
        switch b.fullName {
        case "import.file":
            let filename = d.required("filename", as: String.self)
            let detector = d.attribute("detector", default: "fsnotify")
            let poll = d.attribute("poll_frequency", default: AlloyDuration(nanoseconds: 60_000_000_000))
            if !["fsnotify", "poll"].contains(detector) { d.error("unknown detector \"\(detector)\", want \"fsnotify\" or \"poll\"", attribute: "detector") }
            if d.diagnostics.hasErrors { return .failure("") }
            // Alloy's fsnotify detector reacts to a change at once; a check every second stands in for it.
            return readFiles(filename, poll: detector == "fsnotify" ? .seconds(1) : poll.swiftDuration)
        case "import.string":
            let content = d.required("content", as: Secret.self)
            if d.diagnostics.hasErrors { return .failure("") }
            let path: String? = if case .string(let p)? = variables["module_path"] { p } else { nil }
            return .success(ImportedModule(files: [SourceFile(name: "import.string.\(b.label)", bytes: Array(content.value.utf8))],
                                           modulePath: path, watched: nil))
        case "import.http":
            let url = d.required("url", as: String.self)
            let method = d.attribute("method", default: "GET")
            let headers = d.attribute("headers", default: [String: String]())
            let body = d.attribute("body", default: "")
            let poll = d.attribute("poll_frequency", default: AlloyDuration(nanoseconds: 60_000_000_000))
            let timeout = d.attribute("poll_timeout", default: AlloyDuration(nanoseconds: 10_000_000_000))
            _ = d.block("client")
            if d.diagnostics.hasErrors { return .failure("") }
            let request = HTTPImportRequest(url: url, method: method, headers: headers, body: body, timeout: timeout.swiftDuration)
            let client = b.body.compactMap { s -> Block? in if case .block(let c) = s, c.fullName == "client" { return c } else { return nil } }.first
            let block = HTTPImportBlock(request: request, client: client?.body ?? [], source: d.evaluator.source,
                                        anchor: (b.nameOffset, b.lcurly))
            guard let outcome = fetched.contents[request] else { return .notFetched(block) }
            switch outcome {
            case .failure(let f): return .failure("failed to fetch module from \(url): \(f)")
            case .success(let bytes):
                let directory = url.lastIndex(of: "/").map { String(url[...$0]) } ?? url
                return .success(ImportedModule(files: [SourceFile(name: url, bytes: bytes)], modulePath: directory,
                                               watched: ImportedSource(location: .http(block), pollFrequency: poll.swiftDuration,
                                                                       digest: ImportedSource.digest([bytes]))))
            }
        default:
            return .failure("\(b.fullName) is not an import block")
        }
    }

    /// The module of `import.file`: the file, or the `*.alloy` files directly in a directory (sorted).
    static func readFiles(_ path: String, poll: Duration) -> ImportRead {
        let files: [String]
        let isDirectory: Bool
        do {
            (files, isDirectory) = try moduleFiles(path)
        } catch {
            return .failure("failed to read file: \(error)")
        }
        var sources: [SourceFile] = []
        for f in files {
            do { sources.append(SourceFile(name: f, bytes: try FileIO.read(f, limit: 16 << 20))) } catch {
                return .failure("failed to read file: \(error)")
            }
        }
        let directory = isDirectory ? path : (path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ".")
        return .success(ImportedModule(files: sources, modulePath: directory,
                                       watched: ImportedSource(location: .file(path), pollFrequency: poll,
                                                               digest: ImportedSource.digest(sources.map(\.bytes)))))
    }

    static func moduleFiles(_ path: String) throws -> ([String], Bool) { try alloyFiles(at: path) }
}

/// The files of a configuration or module path: the file itself, or the `*.alloy` files directly in a directory
/// (sorted); and whether it is a directory.
public func alloyFiles(at path: String) throws -> (files: [String], isDirectory: Bool) {
    var st = stat()
    guard stat(path, &st) == 0 else { throw FileIOError(path: path, code: errno) }
    guard (st.st_mode & S_IFMT) == S_IFDIR else { return ([path], false) }
    guard let dir = opendir(path) else { throw FileIOError(path: path, code: errno) }
    defer { closedir(dir) }
    var names: [String] = []
    while let e = readdir(dir) {
        let name = withUnsafePointer(to: e.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        var entry = stat()
        let full = path + "/" + name
        if name.hasSuffix(".alloy"), stat(full, &entry) == 0, (entry.st_mode & S_IFMT) != S_IFDIR { names.append(full) }
    }
    return (names.sorted(), true)
}

extension ImportedSource {
    /// What a watched file or directory holds now, as a digest (nil when it cannot be read: the running pipeline
    /// stays as it is).
    public static func currentDigest(of path: String) -> UInt64? {
        guard let (files, _) = try? alloyFiles(at: path) else { return nil }
        var texts: [[UInt8]] = []
        for f in files {
            guard let b = try? FileIO.read(f, limit: 16 << 20) else { return nil }
            texts.append(b)
        }
        return digest(texts)
    }
}
