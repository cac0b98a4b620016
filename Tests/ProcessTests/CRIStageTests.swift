import LogCore
import Testing
@testable import Process

/// `stage.cri`: the kubelet's log format, partial lines joined.
@Suite struct CRIStageTests {
    @Test func criParsesAndJoinsPartialLines() throws {
        let h = try StageHarness("stage.cri { }")
        let e = try #require(h.one("2019-04-30T02:12:41.8443515Z stdout F message", labels: ["app": "a"]))
        #expect(e.line == "message")
        #expect(e.labels == ["app": "a", "stream": "stdout"])
        #expect(e.entry.timestamp == 1556590361_844351500)
        #expect(e.x("flags") == "F" && e.x("time") == "2019-04-30T02:12:41.8443515Z" && e.x("content") == "message")
        let out = h.run([
            "2026-11-25T10:00:00Z stdout P first ",
            "2026-11-25T10:00:00Z stderr F on stderr",
            "2026-11-25T10:00:00Z stdout P second ",
            "2026-11-25T10:00:01+01:00 stdout F third",
            "not a cri line",
        ])
        #expect(out.map(\.line) == ["on stderr", "first second third", "not a cri line"])
        #expect(out[1].entry.timestamp == 1795597201_000_000_000, "an offset is honoured")
    }

    @Test func criSkipsExtractedValuesNobodyReads() throws {
        let h = try StageHarness("stage.cri { }\nstage.static_labels {\n\tvalues = {env = \"lab\"}\n}")
        let alone = Pipeline(h.pipeline.stages, extractedReadAfter: false)
        let lines = ["2026-11-25T10:00:00Z stdout P first ", "2026-11-25T10:00:00Z stdout F second", "2026-11-25T10:00:01Z stderr F alone"]
        let entries = lines.map { ProcessEntry(LogEntry(timestamp: 1, line: Array($0.utf8), labels: LabelSet(["app": "a"]))) }
        let out = alone.process(entries, h.ctx)
        #expect(out.map(\.line) == ["first second", "alone"], "the message is cut out in place, partial lines still join")
        #expect(out.allSatisfy { $0.x("content") == nil && $0.x("time") == nil }, "no later stage reads them")
        #expect(out[1].labels == ["app": "a", "env": "lab", "stream": "stderr"])
        // With a reader after it (stage.labels), the values are there.
        let read = try StageHarness("stage.cri { }\nstage.labels {\n\tvalues = {flags = \"\"}\n}")
        let both = Pipeline(read.pipeline.stages, extractedReadAfter: false)
        #expect(both.process([ProcessEntry(LogEntry(timestamp: 1, line: Array(lines[2].utf8), labels: LabelSet(["app": "a"])))], read.ctx)
            .first?.labels["flags"] == "F")
        // Readers of other keys (the regex reads the line and writes `level`) do not make CRI fill its four.
        let other = try StageHarness("stage.cri { }\nstage.regex {\n\texpression = \"(?P<level>info|error)\"\n}\nstage.labels {\n\tvalues = {level = \"\"}\n}")
        let p = Pipeline(other.pipeline.stages, extractedReadAfter: false)
        let got = p.process([ProcessEntry(LogEntry(timestamp: 1, line: Array("2026-11-25T10:00:01Z stdout F an error here".utf8), labels: LabelSet(["app": "a"])))], other.ctx)
        #expect(got.first?.labels["level"] == "error")
        #expect(got.first?.line == "an error here")
        #expect(got.first?.x("content") == nil)
    }

    @Test func criPartialLimits() throws {
        let h = try StageHarness("stage.cri {\n\tmax_partial_lines = 2\n\tmax_partial_line_size = 8\n\tmax_partial_line_size_truncate = true\n}")
        let out = h.run([
            "2026-11-25T10:00:00Z stdout P aaaaaaaaaaaa",
            "2026-11-25T10:00:00Z stdout F b",
        ], labels: ["x": "1"])
        #expect(out.map(\.line) == ["aaaaaaaa"])
        let h2 = try StageHarness("stage.cri {\n\tmax_partial_lines = 2\n}")
        let flushed = h2.run(["2026-11-25T10:00:00Z stdout P one"], labels: ["p": "1"])
            + h2.run(["2026-11-25T10:00:00Z stdout P two"], labels: ["p": "2"])
            + h2.run(["2026-11-25T10:00:00Z stdout P three"], labels: ["p": "3"])
        #expect(flushed.map(\.line) == ["one", "two"], "reaching max_partial_lines flushes what is pending")
    }

    @Test func manyFragmentsJoinIntoOneExactLine() throws {
        let h = try StageHarness("stage.cri { }")
        var lines = (0..<2_000).map { "2026-11-25T10:00:00Z stdout P part\($0)|" }
        lines.append("2026-11-25T10:00:00Z stdout F end")
        // Fed in small batches, as a tailer hands them over.
        var out: [ProcessEntry] = []
        for chunk in stride(from: 0, to: lines.count, by: 64) {
            out += h.run(Array(lines[chunk..<min(chunk + 64, lines.count)]), labels: ["p": "1"])
        }
        #expect(out.count == 1)
        #expect(out.first?.line == (0..<2_000).map { "part\($0)|" }.joined() + "end")
    }
}
