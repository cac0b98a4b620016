import Foundation
import LogCore
import Testing
@testable import FileSource

@Suite(.serialized) struct TailerTests {
    @Test func linesWrittenInPiecesAreEmittedOnlyWhenComplete() async throws {
        let h = try TailHarness()
        h.append("a.log", "par")
        h.tail(["a.log"])
        try await Task.sleep(for: .milliseconds(200))
        #expect(h.collector.all.isEmpty, "no line before its newline")
        h.append("a.log", "tial\nsecond ")
        #expect(await h.collector.wait { $0 == ["partial"] })
        h.append("a.log", "half\n")
        #expect(await h.collector.wait { $0 == ["partial", "second half"] })
        await h.stop()
        #expect(h.group.positions.snapshot.values.first?.offset == 20)
    }

    @Test func renameAndCreateRotationLosesNothing() async throws {
        let h = try TailHarness()
        let first = TailHarness.numbered("old", 0..<100)
        h.append("0.log", TailHarness.text(first))
        h.tail(["0.log"])
        #expect(await h.collector.wait { $0.count == 100 })
        // kubelet: rename the live file, the runtime writes a few late lines to the old descriptor, then reopens.
        try FileManager.default.moveItem(atPath: h.path("0.log"), toPath: h.path("0.log.20261125-100000"))
        h.append("0.log.20261125-100000", TailHarness.text(TailHarness.numbered("late", 0..<5)) + "unterminated")
        let second = TailHarness.numbered("new", 0..<100)
        h.append("0.log", TailHarness.text(second))
        let expected = first + TailHarness.numbered("late", 0..<5) + ["unterminated"] + second
        #expect(await h.collector.wait { Set($0) == Set(expected) && $0.count == expected.count },
                "got \(h.collector.all.count) of \(expected.count)")
        #expect(Array(h.collector.all.prefix(106)) == Array(expected.prefix(106)), "the old file is drained before the new one")
        await h.stop()
        #expect(openDescriptors(under: h.dir.path) == 0)
    }

    @Test func copyTruncateStartsAgainFromTheBeginning() async throws {
        let h = try TailHarness()
        h.append("app.log", TailHarness.text(TailHarness.numbered("before", 0..<50)))
        h.tail(["app.log"])
        #expect(await h.collector.wait { $0.count == 50 })
        // copytruncate: copy away, truncate in place, keep writing to the same inode.
        try FileManager.default.copyItem(atPath: h.path("app.log"), toPath: h.path("app.log.1"))
        truncate(h.path("app.log"), 0)
        h.append("app.log", TailHarness.text(TailHarness.numbered("after", 0..<10)))
        #expect(await h.collector.wait { $0.count == 60 })
        #expect(Array(h.collector.all.suffix(10)) == TailHarness.numbered("after", 0..<10))
        await h.stop()
    }

    @Test func contentReplacedWithoutShrinkingIsNoticed() async throws {
        let h = try TailHarness()
        h.append("app.log", "aaaa\n")
        h.tail(["app.log"])
        #expect(await h.collector.wait { $0 == ["aaaa"] })
        // Truncated and rewritten past the old offset before the tailer looked again.
        let fd = open(h.path("app.log"), O_WRONLY | O_TRUNC)
        _ = "bbbbbbbbbb\ncc\n".withCString { write(fd, $0, 14) }
        close(fd)
        #expect(await h.collector.wait { $0 == ["aaaa", "bbbbbbbbbb", "cc"] }, "\(h.collector.all)")
        await h.stop()
    }

    @Test func deletedFileIsReleasedAndARecreatedOneIsReadFromTheStart() async throws {
        let h = try TailHarness()
        h.append("gone.log", "one\ntwo")
        h.tail(["gone.log"])
        #expect(await h.collector.wait { $0 == ["one"] })
        try FileManager.default.removeItem(atPath: h.path("gone.log"))
        #expect(await h.collector.wait { $0 == ["one", "two"] }, "the partial last line is forwarded when the file goes away")
        try await Task.sleep(for: .milliseconds(200))
        #expect(openDescriptors(under: h.dir.path) == 0, "the descriptor of a deleted file is released")
        h.append("gone.log", "three\n")
        #expect(await h.collector.wait { $0 == ["one", "two", "three"] })
        await h.stop()
    }

    @Test func restartFromPositionsInTheSameProcess() async throws {
        let h = try TailHarness()
        h.append("r.log", TailHarness.text(TailHarness.numbered("a", 0..<20)) + "held")
        h.tail(["r.log"])
        #expect(await h.collector.wait { $0.count == 20 })
        await h.stop()
        h.append("r.log", "-done\n" + TailHarness.text(TailHarness.numbered("b", 0..<20)))
        try h.start()
        h.tail(["r.log"])
        let expected = TailHarness.numbered("a", 0..<20) + ["held-done"] + TailHarness.numbered("b", 0..<20)
        #expect(await h.collector.wait { $0.count >= expected.count })
        try await Task.sleep(for: .milliseconds(100))
        #expect(h.collector.all == expected, "no line lost, none repeated")
        await h.stop()
    }

    @Test func rotationWhileStoppedIsRecoveredFromTheRotatedFile() async throws {
        let h = try TailHarness()
        h.append("0.log", TailHarness.text(TailHarness.numbered("a", 0..<10)))
        h.tail(["0.log"])
        #expect(await h.collector.wait { $0.count == 10 })
        await h.stop()
        // While stopped: more lines, then a rotation and a new file.
        h.append("0.log", TailHarness.text(TailHarness.numbered("b", 0..<10)))
        try FileManager.default.moveItem(atPath: h.path("0.log"), toPath: h.path("0.log.20261125-120000"))
        h.append("0.log", TailHarness.text(TailHarness.numbered("c", 0..<10)))
        try h.start()
        h.tail(["0.log"])
        let expected = TailHarness.numbered("a", 0..<10) + TailHarness.numbered("b", 0..<10) + TailHarness.numbered("c", 0..<10)
        #expect(await h.collector.wait { $0.count >= 30 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(h.collector.all == expected)
        await h.stop()
    }

    @Test func tailFromEndStartsAfterTheLastNewline() async throws {
        let h = try TailHarness { $0.tailFromEnd = true }
        h.append("t.log", "old\nold2\npart")
        h.tail(["t.log"])
        try await Task.sleep(for: .milliseconds(150))
        h.append("t.log", "ial\nnew\n")
        #expect(await h.collector.wait { $0 == ["partial", "new"] }, "\(h.collector.all)")
        await h.stop()
    }

    @Test func gzipRotatedFilesAreRead() async throws {
        let h = try TailHarness { $0.decompression = DecompressionConfig(format: .gz, initialDelay: .zero) }
        let lines = TailHarness.numbered("gz", 0..<1000)
        h.append("0.log.20261125-100000", TailHarness.text(lines) + "last-unterminated")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [h.path("0.log.20261125-100000")]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        h.tail(["0.log.20261125-100000.gz"])
        #expect(await h.collector.wait { $0.count == 1001 })
        #expect(h.collector.all == lines + ["last-unterminated"])
        await h.stop()
        // Read again after a restart: nothing is forwarded twice.
        try h.start()
        h.tail(["0.log.20261125-100000.gz"])
        try await Task.sleep(for: .milliseconds(300))
        #expect(h.collector.all.count == 1001)
        await h.stop()
    }

    /// Runs a compressor from the system (`gzip`, `bzip2`) on files of the harness' directory.
    func compress(_ tool: String, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + arguments
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(tool) \(arguments)")
    }

    @Test func bzip2RotatedFilesAreReadWholeAcrossBlocksAndStreams() async throws {
        let h = try TailHarness { $0.decompression = DecompressionConfig(format: .bz2, initialDelay: .zero) }
        // 120,000 lines (about 3 MB) at bzip2's smallest block size (100 kB): dozens of blocks, each consumed whole
        // before its bytes come out.
        let first = TailHarness.numbered("bz-a", 0..<120_000)
        h.append("a.log", TailHarness.text(first))
        let second = TailHarness.numbered("bz-b", 0..<500)
        h.append("b.log", TailHarness.text(second) + "last-unterminated")
        try compress("bzip2", ["-1", h.path("a.log"), h.path("b.log")])
        // Two streams in one file, as pbzip2 writes: read as one file.
        let joined = try Data(contentsOf: URL(fileURLWithPath: h.path("a.log.bz2"))) + Data(contentsOf: URL(fileURLWithPath: h.path("b.log.bz2")))
        try joined.write(to: URL(fileURLWithPath: h.path("0.log.20261125-100000.bz2")))
        h.tail(["0.log.20261125-100000.bz2"])
        #expect(await h.collector.wait(timeout: .seconds(60)) { $0.count == 120_501 })
        #expect(h.collector.all == first + second + ["last-unterminated"])
        await h.stop()
        // Read again after a restart: nothing is forwarded twice.
        try h.start()
        h.tail(["0.log.20261125-100000.bz2"])
        try await Task.sleep(for: .milliseconds(300))
        #expect(h.collector.all.count == 120_501)
        await h.stop()
    }

    @Test func aTruncatedOrCorruptBzip2FileGivesWhatItHoldsAndStops() async throws {
        let h = try TailHarness { $0.decompression = DecompressionConfig(format: .bz2, initialDelay: .zero) }
        let cut = TailHarness.numbered("cut", 0..<60_000), bad = TailHarness.numbered("bad", 0..<60_000)
        h.append("c.log", TailHarness.text(cut))
        h.append("d.log", TailHarness.text(bad))
        try compress("bzip2", ["-1", h.path("c.log"), h.path("d.log")])
        let c = try Data(contentsOf: URL(fileURLWithPath: h.path("c.log.bz2")))
        try c.prefix(c.count / 2).write(to: URL(fileURLWithPath: h.path("cut.bz2")))
        var d = try Data(contentsOf: URL(fileURLWithPath: h.path("d.log.bz2")))
        d[d.count / 2] ^= 0xFF
        try d.write(to: URL(fileURLWithPath: h.path("bad.bz2")))
        h.tail(["cut.bz2", "bad.bz2"])
        try await Task.sleep(for: .seconds(3))
        let got = h.collector.all
        // The truncated file: the lines of its whole blocks, in order, then the part of the next line that was
        // there (flushed at the end, as for any file's unterminated last line).
        let fromCut = got.filter { $0.hasPrefix("cut") }
        #expect(fromCut.count > 10_000 && fromCut.count < 60_000, "\(fromCut.count)")
        #expect(Array(fromCut.dropLast()) == Array(cut.prefix(fromCut.count - 1)))
        #expect(fromCut.last.map { cut[fromCut.count - 1].hasPrefix($0) } == true)
        // The corrupt file: the blocks before the damaged one arrive exactly; reading stops at the damage.
        let fromBad = got.filter { $0.hasPrefix("bad") }
        let exact = zip(fromBad, bad).prefix { $0 == $1 }.count
        #expect(exact > 10_000 && fromBad.count < 60_000, "\(exact) exact of \(fromBad.count)")
        await h.stop()
    }

    @Test func aTwentyMebibyteLineIsTruncatedAndTheNextLineSurvives() async throws {
        let h = try TailHarness()
        var huge = [UInt8](repeating: UInt8(ascii: "x"), count: 20 * 1024 * 1024)
        huge.append(10)
        h.append("big.log", huge)
        h.append("big.log", "after\n")
        h.tail(["big.log"])
        #expect(await h.collector.wait(timeout: .seconds(30)) { $0.count == 2 })
        #expect(h.collector.all.first?.utf8.count == 256 * 1024)
        #expect(h.collector.all.last == "after")
        await h.stop()
    }

    @Test func invalidUTF8AndUTF16WithBOM() async throws {
        let h = try TailHarness()
        h.append("bad.log", [0x6F, 0x6B, 0xFF, 0xFE, 0x21, 0x0A])
        let text = "grüße\r\nzweite\n"
        h.append("u16.log", [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        h.tail(["bad.log", "u16.log"])
        #expect(await h.collector.wait { Set($0) == ["ok\u{FFFD}\u{FFFD}!", "grüße", "zweite"] }, "\(h.collector.all)")
        await h.stop()
    }

    @Test func fifoAndDirectoryAreRefusedWithoutHanging() async throws {
        let h = try TailHarness()
        mkfifo(h.path("pipe.log"), 0o644)
        h.dir.mkdir("dir.log")
        h.append("ok.log", "fine\n")
        h.tail(["pipe.log", "dir.log", "ok.log"])
        #expect(await h.collector.wait { $0 == ["fine"] })
        await h.stop()
    }

    @Test func slowReceiverGetsEverythingInOrder() async throws {
        let collector = Collector(delay: .milliseconds(30))
        let h = try TailHarness(collector: collector) { $0.readBufferSize = 1024 }
        let lines = TailHarness.numbered("bp", 0..<3000)
        h.append("bp.log", TailHarness.text(lines))
        h.tail(["bp.log"])
        try await Task.sleep(for: .milliseconds(200))
        let early = collector.all.count
        #expect(early < lines.count, "reading waits for the receiver")
        let position = h.group.positions.snapshot.values.first?.offset ?? 0
        #expect(position <= Int64(TailHarness.text(Array(lines.prefix(collector.all.count + 200))).utf8.count),
                "the position never runs ahead of what was acknowledged")
        #expect(await collector.wait(timeout: .seconds(30)) { $0.count == lines.count })
        #expect(collector.all == lines)
        await h.stop()
    }

    @Test func twoThousandFilesWithBoundedDescriptors() async throws {
        let h = try TailHarness { $0.idleClose = .milliseconds(300) }
        var names: [String] = []
        for i in 0..<2000 {
            let name = "f\(i).log"
            h.append(name, "\(i)-a\n\(i)-b\n")
            names.append(name)
        }
        h.tail(names)
        #expect(await h.collector.wait(timeout: .seconds(60)) { $0.count == 4000 })
        #expect(Set(h.collector.all).count == 4000)
        try await Task.sleep(for: .seconds(2))
        #expect(openDescriptors(under: h.dir.path) < 50, "idle files have their descriptors closed")
        // Closed files are reopened by identity when they grow.
        h.append("f7.log", "7-c\n")
        h.append("f1999.log", "1999-c\n")
        #expect(await h.collector.wait { $0.count == 4002 })
        await h.stop()
    }

    @Test func unterminatedLineIsForwardedAfterTheIdleTimeout() async throws {
        let h = try TailHarness { $0.partialLineIdleTimeout = .milliseconds(300) }
        h.append("p.log", "done\nno newline yet")
        h.tail(["p.log"])
        #expect(await h.collector.wait { $0 == ["done"] })
        #expect(await h.collector.wait { $0 == ["done", "no newline yet"] })
        h.append("p.log", "\nnext\n")
        #expect(await h.collector.wait { $0 == ["done", "no newline yet", "next"] }, "\(h.collector.all)")
        await h.stop()
    }

    @Test func compressedFileWaitsForItsInitialDelay() async throws {
        let h = try TailHarness { $0.decompression = DecompressionConfig(format: .gz, initialDelay: .milliseconds(700)) }
        h.append("x.log", "late\n")
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [h.path("x.log")]
        try gzip.run()
        gzip.waitUntilExit()
        h.tail(["x.log.gz"])
        try await Task.sleep(for: .milliseconds(300))
        #expect(h.collector.all.isEmpty)
        #expect(await h.collector.wait { $0 == ["late"] })
        await h.stop()
    }
}
