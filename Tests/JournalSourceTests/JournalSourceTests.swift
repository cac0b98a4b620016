import Foundation
import JournalFixtures
import LogCore
import Runtime
import Synchronization
import Testing
@testable import JournalSource

/// `loki.source.journal` on real journal files written by `systemd-journal-remote`.
@Suite(.serialized) struct JournalSourceTests {
    let now = JournalFixtures.nowMicros

    /// A node's journal in miniature: kubelet, containerd, the kernel, and an entry without MESSAGE.
    func nodeJournal(_ dir: URL, base: UInt64? = nil) throws -> [JournalFixtureEntry] {
        let t = base ?? now - 60_000_000
        let entries = [
            JournalFixtureEntry([("MESSAGE", "Started kubelet"), ("_SYSTEMD_UNIT", "kubelet.service"), ("PRIORITY", "6"),
                                 ("_HOSTNAME", "node-1"), ("SYSLOG_IDENTIFIER", "kubelet"), ("_TRANSPORT", "journal")],
                                realtime: t, monotonic: 10),
            JournalFixtureEntry(binary: [("MESSAGE", Array("shim exited\nstack line 1\n\tstack line 2 \u{1}".utf8) + [0xff, 0x41]),
                                         ("_SYSTEMD_UNIT", Array("containerd.service".utf8)), ("PRIORITY", Array("3".utf8)),
                                         ("_TRANSPORT", Array("stdout".utf8))],
                                realtime: t + 1, monotonic: 11),
            JournalFixtureEntry([("MESSAGE", "eth0: link up"), ("_TRANSPORT", "kernel"), ("PRIORITY", "4"), ("SYSLOG_IDENTIFIER", "kernel")],
                                realtime: t + 2, monotonic: 12),
            JournalFixtureEntry([("_SYSTEMD_UNIT", "kubelet.service"), ("PRIORITY", "6"), ("CODE_LINE", "12")], realtime: t + 3, monotonic: 13),
            JournalFixtureEntry([("MESSAGE", "Stopping kubelet <&>"), ("_SYSTEMD_UNIT", "kubelet.service"), ("PRIORITY", "5")],
                                realtime: t + 4, monotonic: 14),
        ]
        try JournalFixtures.write(entries, to: dir.appendingPathComponent("system.journal").path)
        return entries
    }

    static let unitAndLevel = JournalFixtures.unitAndLevelRules

    func read(_ body: String, relabel: String = "", expect count: Int, journal: URL) async throws -> [LogEntry] {
        let sink = Sink()
        let running = try await JournalHarness.start("\tpath = \"\(journal.path)\"\n" + body, relabel: relabel, sink: sink,
                                                     data: journal.appendingPathComponent("data"))
        #expect(await sink.wait { $0.count >= count }, "got \(sink.lines)")
        try await Task.sleep(for: .milliseconds(300))
        await running.stop()
        return sink.entries
    }

    @Test func labelsLinesAndTimestampsFromARealJournal() async throws {
        let dir = temporaryDirectory()
        let fixture = try nodeJournal(dir)
        let got = try await read("", relabel: JournalSourceTests.unitAndLevel, expect: 4, journal: dir)
        #expect(got.map(\.text) == ["Started kubelet", "shim exited\nstack line 1\n\tstack line 2 \u{1}\u{FFFD}A", "eth0: link up",
                                    "Stopping kubelet <&>"])
        #expect(got.map(\.labelDictionary) == [
            ["job": "loki.source.journal.j", "unit": "kubelet.service", "level": "info"],
            ["job": "loki.source.journal.j", "unit": "containerd.service", "level": "error"],
            ["job": "loki.source.journal.j", "level": "warning"],
            ["job": "loki.source.journal.j", "unit": "kubelet.service", "level": "notice"],
        ])
        #expect(got.map(\.timestamp) == [0, 1, 2, 4].map { Int64(fixture[$0].realtime) * 1000 })
    }

    @Test func staticLabelsAndJobWithoutRules() async throws {
        let dir = temporaryDirectory()
        _ = try nodeJournal(dir)
        let got = try await read("\tlabels = {\"node\" = \"node-1\", \"job\" = \"overwritten\"}", expect: 4, journal: dir)
        #expect(Set(got.map(\.labelDictionary)) == [["job": "loki.source.journal.j", "node": "node-1"]])
    }

    @Test func matchesSelectEntries() async throws {
        let dir = temporaryDirectory()
        _ = try nodeJournal(dir)
        let kubelet = try await read("\tmatches = \"_SYSTEMD_UNIT=kubelet.service\"", expect: 2, journal: dir)
        #expect(kubelet.map(\.text) == ["Started kubelet", "Stopping kubelet <&>"])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data"))
        let either = try await read("\tmatches = \"_SYSTEMD_UNIT=kubelet.service _SYSTEMD_UNIT=containerd.service\"", expect: 3, journal: dir)
        #expect(either.count == 3)
        #expect(either.map(\.text).filter { $0.hasPrefix("eth0") }.isEmpty)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data"))
        let orKernel = try await read("\tmatches = \"_SYSTEMD_UNIT=containerd.service + _TRANSPORT=kernel\"", expect: 2, journal: dir)
        #expect(orKernel.map(\.text) == ["shim exited\nstack line 1\n\tstack line 2 \u{1}\u{FFFD}A", "eth0: link up"])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data"))
        let andTerm = try await read("\tmatches = \"_SYSTEMD_UNIT=kubelet.service PRIORITY=5\"", expect: 1, journal: dir)
        #expect(andTerm.map(\.text) == ["Stopping kubelet <&>"])
    }

    @Test func formatAsJSONWritesEveryFieldAsAlloyDoes() async throws {
        let dir = temporaryDirectory()
        _ = try nodeJournal(dir)
        let got = try await read("\tformat_as_json = true", expect: 5, journal: dir)
        #expect(got.count == 5, "an entry without MESSAGE still has a JSON line")
        let boot = JournalFixtures.bootID
        #expect(got[0].text == "{\"MESSAGE\":\"Started kubelet\",\"PRIORITY\":\"6\",\"SYSLOG_IDENTIFIER\":\"kubelet\",\"_BOOT_ID\":\"\(boot)\",\"_HOSTNAME\":\"node-1\",\"_SYSTEMD_UNIT\":\"kubelet.service\",\"_TRANSPORT\":\"journal\"}")
        #expect(got[1].text == "{\"MESSAGE\":\"shim exited\\nstack line 1\\n\\tstack line 2 \\u0001\\ufffdA\",\"PRIORITY\":\"3\",\"_BOOT_ID\":\"\(boot)\",\"_SYSTEMD_UNIT\":\"containerd.service\",\"_TRANSPORT\":\"stdout\"}")
        #expect(got[4].text.hasPrefix("{\"MESSAGE\":\"Stopping kubelet \\u003c\\u0026\\u003e\","))
        for e in got { #expect((try? JSONSerialization.jsonObject(with: Data(e.line))) != nil, "valid JSON: \(e.text)") }
    }

    @Test func maxAgeSkipsOldEntriesWithoutACursor() async throws {
        let dir = temporaryDirectory()
        let hour: UInt64 = 3_600_000_000
        try JournalFixtures.write([
            JournalFixtureEntry([("MESSAGE", "ten hours ago"), ("_SYSTEMD_UNIT", "a.service")], realtime: now - 10 * hour, monotonic: 1),
            JournalFixtureEntry([("MESSAGE", "two hours ago"), ("_SYSTEMD_UNIT", "a.service")], realtime: now - 2 * hour, monotonic: 2),
            JournalFixtureEntry([("MESSAGE", "a minute ago"), ("_SYSTEMD_UNIT", "a.service")], realtime: now - hour / 60, monotonic: 3),
        ], to: dir.appendingPathComponent("system.journal").path)
        #expect(try await read("", expect: 2, journal: dir).map(\.text) == ["two hours ago", "a minute ago"])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data"))
        #expect(try await read("\tmax_age = \"1h\"", expect: 1, journal: dir).map(\.text) == ["a minute ago"])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data"))
        #expect(try await read("\tmax_age = \"0s\"", expect: 3, journal: dir).map(\.text) == ["ten hours ago", "two hours ago", "a minute ago"])
    }

    @Test func relabelRulesDropAndEmptyLabelsSkip() async throws {
        let dir = temporaryDirectory()
        _ = try nodeJournal(dir)
        let dropKernel = JournalSourceTests.unitAndLevel + """

        \trule {
        \t\tsource_labels = ["__journal__transport"]
        \t\tregex         = "kernel"
        \t\taction        = "drop"
        \t}
        """
        let got = try await read("", relabel: dropKernel, expect: 3, journal: dir)
        #expect(got.map(\.text) == ["Started kubelet", "shim exited\nstack line 1\n\tstack line 2 \u{1}\u{FFFD}A", "Stopping kubelet <&>"])
        try FileManager.default.removeItem(at: dir.appendingPathComponent("data"))
        // Without `job` and without any other label, every entry is skipped as empty.
        let sink = Sink()
        let running = try await JournalHarness.start("\tpath = \"\(dir.path)\"", relabel: "\trule {\n\t\taction = \"labeldrop\"\n\t\tregex = \"job\"\n\t}",
                                                     sink: sink, data: dir.appendingPathComponent("data"))
        try await Task.sleep(for: .milliseconds(800))
        await running.stop()
        #expect(sink.entries.isEmpty)
        let saved = try String(contentsOf: dir.appendingPathComponent("data/positions.yml"), encoding: .utf8)
        #expect(saved.contains("i=5;"), "skipped entries are acknowledged: \(saved)")
    }

    @Test func labelmapSeesEveryField() async throws {
        let dir = temporaryDirectory()
        _ = try nodeJournal(dir)
        let got = try await read("", relabel: "\trule {\n\t\taction = \"labelmap\"\n\t\tregex = \"__journal_(.*)\"\n\t}", expect: 4, journal: dir)
        #expect(got[0].labelDictionary == ["job": "loki.source.journal.j", "message": "Started kubelet", "_systemd_unit": "kubelet.service",
                                           "priority": "6", "priority_keyword": "info", "_hostname": "node-1", "syslog_identifier": "kubelet",
                                           "_transport": "journal", "_boot_id": JournalFixtures.bootID])
    }

    /// Writes `first-0…299` to a journal in `dir`, reads them all with a source whose data is `<dir>/data`, stops it.
    func readFirstFile(_ dir: URL) async throws -> (base: UInt64, data: URL, sink: Sink) {
        let base = now - 120_000_000
        let first = (0..<300).map { JournalFixtureEntry([("MESSAGE", "first-\($0)"), ("_SYSTEMD_UNIT", "a.service")], realtime: base + UInt64($0), monotonic: UInt64($0) + 1) }
        try JournalFixtures.write(first, to: dir.appendingPathComponent("a.journal").path)
        let data = dir.appendingPathComponent("data")
        let sink = Sink()
        let running = try await JournalHarness.start("\tpath = \"\(dir.path)\"", sink: sink, data: data)
        #expect(await sink.wait { $0.count == 300 })
        await running.stop()
        return (base, data, sink)
    }

    /// Written while the source is stopped: a second file, later entries (`second-0…199`).
    func writeSecondFile(_ dir: URL, base: UInt64) throws {
        let second = (0..<200).map { JournalFixtureEntry([("MESSAGE", "second-\($0)"), ("_SYSTEMD_UNIT", "a.service")], realtime: base + 1_000 + UInt64($0), monotonic: 1_000 + UInt64($0)) }
        try JournalFixtures.write(second, to: dir.appendingPathComponent("b.journal").path)
    }

    @Test func cleanRestartResumesAfterTheCursor() async throws {
        let dir = temporaryDirectory()
        let (base, data, sink1) = try await readFirstFile(dir)
        try writeSecondFile(dir, base: base)
        let sink2 = Sink()
        let r2 = try await JournalHarness.start("\tpath = \"\(dir.path)\"", sink: sink2, data: data)
        #expect(await sink2.wait { $0.count >= 200 })
        try await Task.sleep(for: .milliseconds(300))
        await r2.stop()
        #expect(sink1.lines + sink2.lines == (0..<300).map { "first-\($0)" } + (0..<200).map { "second-\($0)" })
    }

    /// After a crash the positions file may be behind the cursor a durable receiver committed with the last batch:
    /// reading resumes after the committed one, so nothing is appended twice.
    @Test func resumesAfterTheCursorCommittedWithTheLastBatch() async throws {
        let dir = temporaryDirectory()
        let (base, data, sink1) = try await readFirstFile(dir)
        let mark = try #require(sink1.marks.withLock { $0.last })
        #expect(mark.key == "loki.source.journal.j" && mark.cursor.contains("s="))
        // The crash came before the positions file was written.
        try FileManager.default.removeItem(at: data)
        try writeSecondFile(dir, base: base)
        let shared = SharedObjects()
        shared.object { SourceLedger() }.publish(receiver: "loki.write.w", [mark.key: mark])
        let sink2 = Sink()
        let r2 = try await JournalHarness.start("\tpath = \"\(dir.path)\"\n\tmax_age = \"0s\"", sink: sink2, data: data, shared: shared)
        #expect(await sink2.wait { $0.count >= 200 })
        try await Task.sleep(for: .milliseconds(300))
        await r2.stop()
        #expect(sink2.lines == (0..<200).map { "second-\($0)" }, "nothing before the committed cursor is read again")
    }

    @Test func cursorsAreOrderedBySequenceNumberThenTime() {
        let a = "s=739ad463348b4ceca5a9e69c95a3c93f;i=4a9;b=6c7c6013a8674d3daf9aa44a81d0b6d9;m=1;t=5f1a0;x=1"
        let b = "s=739ad463348b4ceca5a9e69c95a3c93f;i=4b0;b=6c7c6013a8674d3daf9aa44a81d0b6d9;m=1;t=5f190;x=2"
        let other = "s=0000d463348b4ceca5a9e69c95a3c93f;i=1;b=6c7c6013a8674d3daf9aa44a81d0b6d9;m=1;t=5f1a1;x=3"
        #expect(JournalCursorOrder.isBefore(a, b) && !JournalCursorOrder.isBefore(b, a), "one sequence: by sequence number")
        #expect(JournalCursorOrder.isBefore(a, other) && JournalCursorOrder.isBefore(b, other), "different sequences: by time")
        #expect(!JournalCursorOrder.isBefore("garbage", a) && !JournalCursorOrder.isBefore(a, "garbage"))
    }

    @Test func aCursorOlderThanMaxAgeStartsAtMaxAge() async throws {
        let dir = temporaryDirectory()
        let hour: UInt64 = 3_600_000_000
        try JournalFixtures.write([JournalFixtureEntry([("MESSAGE", "ten hours ago"), ("_SYSTEMD_UNIT", "a.service")], realtime: now - 10 * hour, monotonic: 1)],
                                  to: dir.appendingPathComponent("a.journal").path)
        let data = dir.appendingPathComponent("data")
        let sink1 = Sink()
        let r1 = try await JournalHarness.start("\tpath = \"\(dir.path)\"\n\tmax_age = \"0s\"", sink: sink1, data: data)
        #expect(await sink1.wait { $0.count == 1 })
        await r1.stop()
        // The agent was down for hours: the entries between the cursor and max_age are skipped.
        try JournalFixtures.write([
            JournalFixtureEntry([("MESSAGE", "nine hours ago"), ("_SYSTEMD_UNIT", "a.service")], realtime: now - 9 * hour, monotonic: 2),
            JournalFixtureEntry([("MESSAGE", "a minute ago"), ("_SYSTEMD_UNIT", "a.service")], realtime: now - hour / 60, monotonic: 3),
        ], to: dir.appendingPathComponent("b.journal").path)
        let sink2 = Sink()
        let r2 = try await JournalHarness.start("\tpath = \"\(dir.path)\"", sink: sink2, data: data)
        #expect(await sink2.wait { $0.count >= 1 })
        try await Task.sleep(for: .milliseconds(300))
        await r2.stop()
        #expect(sink2.lines == ["a minute ago"])
    }

    @Test func legacyPositionTakesOverPromtailsCursor() async throws {
        let dir = temporaryDirectory()
        let base = now - 60_000_000
        try JournalFixtures.write((0..<6).map { JournalFixtureEntry([("MESSAGE", "m-\($0)"), ("_SYSTEMD_UNIT", "a.service")], realtime: base + UInt64($0), monotonic: UInt64($0) + 1) },
                                  to: dir.appendingPathComponent("s.journal").path)
        // Promtail's positions file, as its yaml writer leaves it: the cursor of m-2 unquoted under cursor-<job>.
        let journal = try SystemJournal(path: dir.path)
        for _ in 0..<3 { _ = try journal.next() }
        let cursor = try journal.cursor()
        let legacy = dir.appendingPathComponent("promtail-positions.yaml")
        try "positions:\n  /var/log/syslog: \"1234\"\n  cursor-systemd-journal: \(cursor)\n".write(to: legacy, atomically: true, encoding: .utf8)
        let sink = Sink()
        let running = try await JournalHarness.start("\tpath = \"\(dir.path)\"\n\tlegacy_position {\n\t\tfile = \"\(legacy.path)\"\n\t\tname = \"systemd-journal\"\n\t}",
                                                     sink: sink, data: dir.appendingPathComponent("data"))
        #expect(await sink.wait { $0.count >= 3 })
        try await Task.sleep(for: .milliseconds(300))
        await running.stop()
        #expect(sink.lines == ["m-3", "m-4", "m-5"])
        let saved = try String(contentsOf: dir.appendingPathComponent("data/positions.yml"), encoding: .utf8)
        #expect(saved.hasPrefix("# tributary journal positions v1\npositions:\n  \"cursor-loki.source.journal.j\": \"s="), "\(saved)")
    }

    @Test func aJournalFileAddedWhileRunningIsFollowed() async throws {
        let dir = temporaryDirectory()
        let base = now - 30_000_000
        try JournalFixtures.write([JournalFixtureEntry([("MESSAGE", "before"), ("_SYSTEMD_UNIT", "a.service")], realtime: base)],
                                  to: dir.appendingPathComponent("a.journal").path)
        let sink = Sink()
        let running = try await JournalHarness.start("\tpath = \"\(dir.path)\"", sink: sink, data: dir.appendingPathComponent("data"))
        #expect(await sink.wait { $0.count == 1 })
        try JournalFixtures.write((0..<50).map { JournalFixtureEntry([("MESSAGE", "added-\($0)"), ("_SYSTEMD_UNIT", "b.service")], realtime: base + 10 + UInt64($0)) },
                                  to: dir.appendingPathComponent("b.journal").path)
        #expect(await sink.wait { $0.count == 51 }, "got \(sink.entries.count)")
        await running.stop()
        #expect(sink.lines == ["before"] + (0..<50).map { "added-\($0)" })
    }

    @Test func aVacuumedCursorResumesAtTheFirstEntryAfterIt() async throws {
        let dir = temporaryDirectory()
        let base = now - 60_000_000
        let old = dir.appendingPathComponent("old.journal")
        try JournalFixtures.write((0..<5).map { JournalFixtureEntry([("MESSAGE", "old-\($0)"), ("_SYSTEMD_UNIT", "a.service")], realtime: base + UInt64($0), monotonic: UInt64($0) + 1) },
                                  to: old.path)
        let data = dir.appendingPathComponent("data")
        let sink1 = Sink()
        let r1 = try await JournalHarness.start("\tpath = \"\(dir.path)\"", sink: sink1, data: data)
        #expect(await sink1.wait { $0.count == 5 })
        await r1.stop()
        // The file holding the cursor's entry is vacuumed; newer entries are in another file.
        try FileManager.default.removeItem(at: old)
        try JournalFixtures.write((0..<3).map { JournalFixtureEntry([("MESSAGE", "new-\($0)"), ("_SYSTEMD_UNIT", "a.service")], realtime: base + 100 + UInt64($0), monotonic: 100 + UInt64($0)) },
                                  to: dir.appendingPathComponent("new.journal").path)
        let sink2 = Sink()
        let r2 = try await JournalHarness.start("\tpath = \"\(dir.path)\"", sink: sink2, data: data)
        #expect(await sink2.wait { $0.count >= 3 })
        try await Task.sleep(for: .milliseconds(300))
        await r2.stop()
        #expect(sink2.lines == ["new-0", "new-1", "new-2"])
    }

    @Test func aMissingDirectoryIsUnhealthyUntilItAppears() async throws {
        let dir = temporaryDirectory().appendingPathComponent("journal")
        let sink = Sink()
        let source = try JournalSource(
            componentID: "loki.source.journal.j", positionsPath: dir.path + "-positions.yml",
            settings: .init(config: JournalConfig(path: dir.path, matches: try JournalMatches(""), maxAge: .zero, reopenInterval: .milliseconds(200)),
                            labeling: JournalLabeling(staticLabels: LabelSet(["job": "j"])), forward: Fanout([sink])),
            logger: .init(label: "test"))
        let task = Task { await source.run() }
        try await Task.sleep(for: .milliseconds(300))
        #expect(source.status == .init(healthy: false, message: "cannot read the journal: \(dir.path): No such file or directory"))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try JournalFixtures.write([JournalFixtureEntry([("MESSAGE", "finally"), ("_SYSTEMD_UNIT", "a.service")], realtime: now)],
                                  to: dir.appendingPathComponent("s.journal").path)
        #expect(await sink.wait { $0.count == 1 })
        #expect(source.status.healthy)
        task.cancel()
        await task.value
    }

    @Test func readingPausesWhileBatchesAreNotAcknowledged() async throws {
        let dir = temporaryDirectory()
        let n = JournalReader.maxBatchEntries * 4
        try JournalFixtures.write((0..<n).map { JournalFixtureEntry([("MESSAGE", "m-\($0)")], realtime: now - 10_000_000 + UInt64($0)) },
                                  to: dir.appendingPathComponent("s.journal").path)
        let reader = JournalReader(config: JournalConfig(path: dir.path, matches: try JournalMatches(""), maxAge: .zero),
                                   labeling: JournalLabeling(staticLabels: LabelSet(["job": "j"])), cursor: nil)
        let batches = Mutex<[JournalReader.Batch]>([])
        let consumer = Task {
            for await event in reader.events {
                if case .batch(let b) = event { batches.withLock { $0.append(b) } }
            }
        }
        try await Task.sleep(for: .milliseconds(700))
        #expect(batches.withLock { $0.count } == 2, "two batches out, none acknowledged: the reader waits")
        reader.acknowledge()
        try await Task.sleep(for: .milliseconds(500))
        #expect(batches.withLock { $0.count } == 3)
        reader.stop()
        await reader.waitUntilStopped()
        await consumer.value
        #expect(batches.withLock { $0.map(\.entries.count) } == [JournalReader.maxBatchEntries, JournalReader.maxBatchEntries, JournalReader.maxBatchEntries])
    }

    @Test func heldEntriesKeepTheCursorBeforeThem() async throws {
        let dir = temporaryDirectory()
        try JournalFixtures.write((0..<3).map { JournalFixtureEntry([("MESSAGE", "m-\($0)")], realtime: now - 1_000_000 + UInt64($0)) },
                                  to: dir.appendingPathComponent("s.journal").path)
        /// Holds the first batch's entries (as a multiline stage would) until told to let go.
        final class Holder: LogsReceiver {
            let tokens = Mutex<[HoldToken]>([])
            let batches = Atomic<Int>(0)
            func receive(_ batch: EntryBatch) async {
                if batches.add(1, ordering: .relaxed).newValue == 1, let held = batch.held {
                    tokens.withLock { $0.append(HoldToken(held)) }
                }
            }
        }
        let holder = Holder()
        let positions = dir.appendingPathComponent("positions.yml").path
        let source = try JournalSource(
            componentID: "loki.source.journal.j", positionsPath: positions,
            settings: .init(config: JournalConfig(path: dir.path, matches: try JournalMatches(""), maxAge: .zero),
                            labeling: JournalLabeling(staticLabels: LabelSet(["job": "j"])), forward: Fanout([holder])),
            logger: .init(label: "test"))
        let task = Task { await source.run() }
        try await Task.sleep(for: .milliseconds(500))
        #expect(holder.tokens.withLock { $0.count } == 1)
        #expect(source.cursors.cursor == nil, "nothing acknowledged past a held entry")
        holder.tokens.withLock { $0 = [] }
        try JournalFixtures.write([JournalFixtureEntry([("MESSAGE", "m-3")], realtime: now)], to: dir.appendingPathComponent("t.journal").path)
        try await Task.sleep(for: .milliseconds(700))
        task.cancel()
        await task.value
        #expect(source.cursors.cursor?.contains("i=1;") == true, "the cursor moves once nothing is held: \(source.cursors.cursor ?? "nil")")
    }
}
