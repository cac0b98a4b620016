import Foundation
import LogCore
import Testing
@testable import FileSource

@Suite(.serialized) struct PositionsTests {
    @Test func roundTripsThroughTheFile() throws {
        var table: [PositionKey: Position] = [:]
        table[PositionKey(path: "/var/log/pods/a b/0.log", labels: "{job=\"x\\\"y\"}")] = Position(offset: 42, identity: FileIdentity(device: 2049, inode: 77))
        table[PositionKey(path: "/p/\u{e9}.log", labels: "{}")] = Position(offset: 0, identity: nil)
        let (decoded, corrupt) = PositionsFile.decode(PositionsFile.encode(table))
        #expect(corrupt.isEmpty)
        #expect(decoded == table)
    }

    @Test func corruptEntriesAreReportedNotThrown() {
        let text = """
        positions:
          - path: "/a.log"
            labels: "{}"
            offset: 12
          - path: "/b.log"
            labels: "{}"
            offset: twelve
        \u{0}\u{0}\u{0}
        """
        let (table, corrupt) = PositionsFile.decode(Array(text.utf8))
        #expect(table[PositionKey(path: "/a.log", labels: "{}")]?.offset == 12)
        #expect(table.count == 1)
        #expect(corrupt.contains { $0.key?.path == "/b.log" })
    }

    @Test func promtailLegacyFileIsImported() throws {
        let dir = TempDir()
        let legacy = dir.write("legacy.yaml", "positions:\n  /var/log/a.log: \"1234\"\n  \"/var/log/b c.log\": \"5\"\n  cursor-journal: \"s=abc\"\n")
        let store = try PositionsStore(path: dir.path + "/positions.yml", legacyPath: legacy)
        #expect(store.position(for: PositionKey(path: "/var/log/a.log", labels: "{job=\"x\"}"))?.offset == 1234)
        #expect(store.position(for: PositionKey(path: "/var/log/b c.log", labels: "{}"))?.offset == 5)
        try store.sync()
        let written = try String(contentsOfFile: dir.path + "/positions.yml", encoding: .utf8)
        #expect(written.contains("offset: 1234"))
    }

    /// A positions file full of NUL bytes (a torn write on an old agent) never blocks start-up; the policy decides.
    @Test(arguments: [PositionsErrorPolicy.restartFromBeginning, .restartFromEnd, .skip])
    func corruptPositionsFilePolicies(policy: PositionsErrorPolicy) async throws {
        let h = try TailHarness { $0.onPositionsError = policy }
        await h.stop()
        h.dir.write("positions.yml", String(repeating: "\u{0}", count: 64))
        h.append("c.log", "old\n")
        try h.start()
        h.tail(["c.log"])
        try await Task.sleep(for: .milliseconds(250))
        h.append("c.log", "new\n")
        switch policy {
        case .restartFromBeginning:
            #expect(await h.collector.wait { $0 == ["old", "new"] })
        case .restartFromEnd:
            #expect(await h.collector.wait { $0 == ["new"] })
        case .skip:
            try await Task.sleep(for: .milliseconds(300))
            #expect(h.collector.all.isEmpty)
        }
        await h.stop()
    }
}
