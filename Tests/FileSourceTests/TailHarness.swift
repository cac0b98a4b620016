import Foundation
import LogCore
import Logging
import Synchronization
@testable import FileSource

/// Collects every entry it receives; optionally slow, to exercise back-pressure.
final class Collector: LogsReceiver {
    let lines = Mutex<[String]>([])
    let batches = Mutex(0)
    /// Lines received marked `replayed` (re-read only to rebuild a held entry), and the marks a durable receiver
    /// would have committed, batch by batch.
    let replayed = Mutex<[String]>([])
    let marks = Mutex<[SourceMark]>([])
    let delay: Duration

    init(delay: Duration = .zero) { self.delay = delay }

    func receive(_ batch: EntryBatch) async {
        if delay > .zero { try? await Task.sleep(for: delay) }
        lines.withLock { $0 += batch.entries.map { String(decoding: $0.line, as: UTF8.self) } }
        replayed.withLock { $0 += batch.entries.filter(\.replayed).map { String(decoding: $0.line, as: UTF8.self) } }
        if let m = batch.progress?.mark() { marks.withLock { $0.append(m) } }
        batches.withLock { $0 += 1 }
    }

    var all: [String] { lines.withLock { $0 } }

    /// Waits until `condition` holds (or the timeout passes) and returns whether it did.
    @discardableResult
    func wait(timeout: Duration = .seconds(15), _ condition: ([String]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(all) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition(all)
    }
}

/// A FileTailerGroup on a temporary directory, with fast polling for tests.
final class TailHarness {
    let dir = TempDir()
    let collector: Collector
    var group: FileTailerGroup!
    var runTask: Task<Void, Never>?
    var config: TailerConfig
    /// What durable receivers recovered, for the next `start()`.
    var ledger: SourceLedger? = nil

    init(collector: Collector = Collector(), configure: (inout TailerConfig) -> Void = { _ in }) throws {
        self.collector = collector
        var c = TailerConfig()
        c.minPoll = .milliseconds(20)
        c.maxPoll = .milliseconds(50)
        c.rotationGrace = .milliseconds(50)
        configure(&c)
        config = c
        try start()
    }

    var positionsPath: String { dir.path + "/positions.yml" }

    func start(legacy: String? = nil) throws {
        group = try FileTailerGroup(componentID: "loki.source.file.test", positionsPath: positionsPath,
                                    legacyPositionsFile: legacy, config: config, forward: Fanout([collector]),
                                    logger: Logger(label: "test"), positionsSyncInterval: .milliseconds(50), ledger: ledger)
        let g = group!
        runTask = Task { await g.run() }
    }

    /// Stops the group the way a shutdown does: tailers end, positions are written.
    func stop() async {
        runTask?.cancel()
        await runTask?.value
        runTask = nil
    }

    func tail(_ relatives: [String], labels: [String: String] = ["job": "test"]) {
        group.sync(targets: relatives.map { FileTailerGroup.Target(path: dir.path + "/" + $0, labels: LabelSet(labels)) })
    }

    func path(_ relative: String) -> String { dir.path + "/" + relative }

    func append(_ relative: String, _ text: String) {
        append(relative, Array(text.utf8))
    }

    func append(_ relative: String, _ bytes: [UInt8]) {
        let p = path(relative)
        if !FileManager.default.fileExists(atPath: p) { FileManager.default.createFile(atPath: p, contents: nil) }
        let h = FileHandle(forWritingAtPath: p)!
        h.seekToEndOfFile()
        h.write(Data(bytes))
        try? h.close()
    }

    /// Lines expected as "<prefix>-<i>" for i in range.
    static func numbered(_ prefix: String, _ range: Range<Int>) -> [String] { range.map { "\(prefix)-\($0)" } }
    static func text(_ lines: [String]) -> String { lines.map { $0 + "\n" }.joined() }
}

/// Descriptors of this process that point into `dir`.
func openDescriptors(under dir: String) -> Int {
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return fds.filter { fd in
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)"))?.hasPrefix(dir) ?? false
    }.count
}
