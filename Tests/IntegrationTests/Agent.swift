import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The repository root and the built `tributary` binary.
enum Repo {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var binary: String { root.appendingPathComponent(".build/debug/tributary").path }
}

/// A `tributary` child process with its output captured.
final class Agent: @unchecked Sendable {
    let process = Process()
    private let outPipe = Pipe()
    private let errPipe = Pipe()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    init(_ arguments: [String], cwd: URL = Repo.root, executable: String = Repo.binary, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        process.currentDirectoryURL = cwd
        process.standardOutput = outPipe
        process.standardError = errPipe
        outPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            self?.lock.withLock { self?.out.append(d) }
        }
        errPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let d = h.availableData
            self?.lock.withLock { self?.err.append(d) }
        }
        try process.run()
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// Waits until `condition` holds on the output, or `timeout` seconds pass.
    @discardableResult
    func waitFor(timeout: Double = 20, _ condition: (Agent) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(self) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition(self)
    }

    /// Sends a signal and waits for the exit status.
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        Thread.sleep(forTimeInterval: 0.1)
        outPipe.fileHandleForReading.readabilityHandler = nil
        errPipe.fileHandleForReading.readabilityHandler = nil
        return process.terminationStatus
    }

    /// Runs to completion and returns (status, stdout, stderr).
    static func runToEnd(_ arguments: [String], stdin: String? = nil, cwd: URL = Repo.root) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Repo.binary)
        p.arguments = arguments
        p.currentDirectoryURL = cwd
        let o = Pipe(), e = Pipe(), i = Pipe()
        p.standardOutput = o
        p.standardError = e
        p.standardInput = i
        try p.run()
        if let stdin { i.fileHandleForWriting.write(Data(stdin.utf8)) }
        try i.fileHandleForWriting.close()
        let od = o.fileHandleForReading.readDataToEndOfFile()
        let ed = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: od, as: UTF8.self), String(decoding: ed, as: UTF8.self))
    }

    /// The HTTP address the agent logged at start-up.
    var listenAddress: String? {
        guard let r = stderr.range(of: "addr=") else { return nil }
        return String(stderr[r.upperBound...].prefix { !$0.isWhitespace })
    }
}

/// A blocking HTTP GET on loopback: (status, body).
func httpGet(_ url: String) -> (Int, String)? {
    let sem = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: (Int, String)? = nil
    URLSession.shared.dataTask(with: URL(string: url)!) { data, response, _ in
        if let r = response as? HTTPURLResponse { result = (r.statusCode, String(decoding: data ?? Data(), as: UTF8.self)) }
        sem.signal()
    }.resume()
    _ = sem.wait(timeout: .now() + 10)
    return result
}

func temporaryDirectory() -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("tributary-it-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
    return u
}

/// Runs a program to completion from the repository root: (status, stdout, stderr). `stdin` is written to it first.
func runProcess(_ executable: String, _ arguments: [String], stdin: Data? = nil) throws -> (Int32, String, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    p.currentDirectoryURL = Repo.root
    let o = Pipe(), e = Pipe(), i = Pipe()
    p.standardOutput = o
    p.standardError = e
    p.standardInput = i
    try p.run()
    if let stdin { i.fileHandleForWriting.write(stdin) }
    try i.fileHandleForWriting.close()
    let od = o.fileHandleForReading.readDataToEndOfFile()
    let ed = e.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: od, as: UTF8.self), String(decoding: ed, as: UTF8.self))
}

/// Runs a script of the repository with bash: (status, stdout, stderr).
func runScript(_ path: String) throws -> (Int32, String, String) { try runProcess("/bin/bash", [path]) }

/// The path of a program found on PATH, or nil.
func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// A configuration that ships one file to `url`: `loki.source.file "f"` → `loki.write "l"` (`wal` is extra text for
/// the write block). Written to `dir/c.alloy`, whose URL is returned.
func writeShippingConfig(in dir: URL, file: URL, url: String, job: String = "t", wal: String = "") throws -> URL {
    let cfg = dir.appendingPathComponent("c.alloy")
    try Data("""
    loki.source.file "f" {
    \ttargets    = [{"__path__" = "\(file.path)", job = "\(job)"}]
    \tforward_to = [loki.write.l.receiver]
    }

    loki.write "l" {
    \tendpoint {
    \t\turl        = "\(url)"
    \t\tbatch_wait = "100ms"
    \t}
    \(wal)}

    """.utf8).write(to: cfg)
    return cfg
}
