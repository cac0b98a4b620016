import FakeLoki
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A storage disk that fills up: delivered segments are freed, reading resumes, every line arrives once.
@Suite(.serialized) struct DiskFullTests {
    /// A 4 MiB tmpfs, or nil where this machine does not let the tests mount one.
    static func smallDisk() -> URL? {
        let dir = temporaryDirectory().appendingPathComponent("small")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        guard let (status, _, _) = try? runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir.path]), status == 0 else {
            return nil
        }
        return dir
    }

    static let canMount: Bool = {
        guard let d = smallDisk() else { return false }
        _ = try? runProcess("/bin/umount", [d.path])
        return true
    }()

    @Test(.enabled(if: canMount, "needs permission to mount a tmpfs"), arguments: ["", "\twal {\n\t\tmax_segment_age = \"2s\"\n\t}\n"])
    func everyLineArrivesOnceWhenTheDiskFillsUp(walBlock: String) throws {
        let disk = try #require(Self.smallDisk())
        defer { _ = try? runProcess("/bin/umount", ["-l", disk.path]) }
        let loki = FakeLoki()
        try loki.start()
        defer { loki.shutdown() }
        let dir = temporaryDirectory()
        let log = dir.appendingPathComponent("big.log")
        // 50,000 lines, 5.2 MB: more than the 4 MiB disk holds.
        let text = (0..<50_000).map { String(format: "line %06d ", $0) + String(repeating: "x", count: 90) }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: log)
        let cfg = try writeShippingConfig(in: dir, file: log, url: loki.pushURL, job: "df", wal: walBlock)
        let agent = try Agent(["run", cfg.path, "--storage.path", disk.path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(agent.waitFor(timeout: 90) { _ in loki.entries.count >= 50_000 }, "stored \(loki.entries.count): \(agent.stderr.suffix(2000))")
        #expect(agent.stop(SIGTERM) == 0)
        #expect(loki.entries.count == 50_000)
        #expect(loki.stats.duplicates == 0)
        #expect(Set(loki.entries.map(\.line)).count == 50_000)
        #expect(agent.stderr.contains("No space left on device"), "the full disk is reported")
    }
}
