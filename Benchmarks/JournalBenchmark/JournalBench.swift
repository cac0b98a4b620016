// Benchmark of loki.source.journal (issue 13's budget): reads a 1,000,000-entry journal written by
// systemd-journal-remote, labels each entry (unit and level from relabel rules, a static node label) and forwards
// it to a counting receiver; prints entries per CPU-second and peak RSS, and the CPU time `journalctl -o export`
// takes for the same journal.
//
//   swift build -c release --product JournalBenchmark
//   taskset -c 0 .build/release/JournalBenchmark DIR [labels|json|labelmap|journalctl] [COUNT]
//
// DIR is created and filled on the first run (COUNT entries, default 1,000,000) and reused afterwards.
import BenchmarkSupport
import Components
import Foundation
import JournalFixtures
import JournalSource
import LogCore
import Relabel
import Evaluation
import Runtime
import Synchronization
import Syntax

enum JournalBench {
    static let rules: [String: String] = [
        "labels": JournalFixtures.unitAndLevelRules,
        "json": "",
        "labelmap": """
        \trule {
        \t\taction = "labelmap"
        \t\tregex  = "__journal__?(systemd_unit|priority_keyword|hostname|comm)"
        \t}
        """,
    ]

    static func run() async throws -> Int32 {
        let args = CommandLine.arguments
        guard args.count >= 2 else {
            print("usage: JournalBenchmark DIR [labels|json|labelmap|journalctl] [COUNT]")
            return 2
        }
        let dir = args[1]
        let mode = args.count > 2 ? args[2] : "labels"
        let count = args.count > 3 ? Int(args[3]) ?? 1_000_000 : 1_000_000
        if !FileManager.default.fileExists(atPath: dir + "/node.journal") {
            print("writing \(count) entries to \(dir)/node.journal with systemd-journal-remote …")
            let t0 = ContinuousClock.now
            try NodeJournal.write(count: count, into: dir)
            print("written in \(ContinuousClock.now - t0)")
        }
        let expected = try entriesIn(dir)
        if mode == "journalctl" { return try journalctl(dir, expected: expected) }
        guard let relabel = rules[mode] else { print("unknown mode \(mode)"); return 2 }

        let counter = CountingReceiver()
        let arguments = try decode(dir: dir, json: mode == "json", relabel: relabel, counter: counter)
        let data = "/tmp/tributary-journal-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let component = try await LokiSourceJournalComponent(options: ComponentOptions(id: "loki.source.journal.bench", dataPath: data) { _ in },
                                                    arguments: arguments)
        let (cpu0, _) = resourceUsage()
        let start = ContinuousClock.now
        let runner = Task { await component.run() }
        while counter.counts.withLock({ $0.entries }) < expected {
            try await Task.sleep(for: .milliseconds(5))
            if ContinuousClock.now - start > .seconds(600) { break }
        }
        let elapsed = ContinuousClock.now - start
        let (cpu1, rss) = resourceUsage()
        let memory = statusLines(["RssAnon", "RssFile"])
        runner.cancel()
        await runner.value
        let (entries, bytes) = counter.counts.withLock { ($0.entries, $0.bytes) }
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let cpu = cpu1 - cpu0
        print("mode:               \(mode)")
        print("entries forwarded:  \(entries) of \(expected) (\(bytes / 1_048_576) MiB of lines)")
        print("wall:               \((wall * 1000).rounded() / 1000) s")
        print("cpu:                \((cpu * 1000).rounded() / 1000) s")
        print("entries/s (wall):   \(Int(Double(entries) / wall))")
        print("entries/cpu-s:      \(Int(Double(entries) / cpu))")
        print("peak RSS:           \((Double(rss) / 102.4).rounded() / 10) MiB")
        print("RSS at the end:     \(memory)")
        return entries == expected ? 0 : 1
    }

    /// Lines of /proc/self/status (e.g. anonymous and file-backed resident memory).
    static func statusLines(_ names: [String]) -> String {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { l in names.contains { l.hasPrefix($0 + ":") } }
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }.joined(separator: ", ")
    }

    /// The arguments of `loki.source.journal "bench"` through the real decoder.
    static func decode(dir: String, json: Bool, relabel: String, counter: CountingReceiver) throws -> LokiSourceJournalComponent.Arguments {
        var rules: [RelabelRule] = []
        if !relabel.isEmpty {
            let src = SourceFile(name: "rules.alloy", text: "loki.relabel \"bench\" {\n\tforward_to = []\n\(relabel)\n}\n")
            guard case .block(let b) = try Parser.parse(src).body[0] else { throw BenchError.config("no block") }
            var d = BodyDecoder(evaluator: Evaluator(source: src), body: b.body, anchor: (0, 0))
            rules = LokiRelabelComponent.Arguments(&d).rules
            d.finish()
            if d.diagnostics.hasErrors { throw BenchError.config(d.diagnostics.pretty()) }
        }
        let text = """
        loki.source.journal "bench" {
        \tpath           = "\(dir)"
        \tmax_age        = "0s"
        \tformat_as_json = \(json)
        \tlabels         = {node = "node-1"}
        \trelabel_rules  = loki.relabel.bench.rules
        \tforward_to     = [bench.count.receiver]
        }
        """
        let src = SourceFile(name: "bench.alloy", text: text)
        guard case .block(let b) = try Parser.parse(src).body[0] else { throw BenchError.config("no block") }
        let scope: [String: Value] = [
            "bench": .object(["count": .object(["receiver": ReceiverCapsule(ownerID: "bench", receiver: counter).value])]),
            "loki": .object(["relabel": .object(["bench": .object(["rules": .capsule(RulesCapsule(ownerID: "loki.relabel.bench", rules: rules))])])]),
        ]
        var d = BodyDecoder(evaluator: Evaluator(source: src, scope: scope), body: b.body, anchor: (0, 0))
        let arguments = LokiSourceJournalComponent.Arguments(&d)
        d.finish()
        if d.diagnostics.hasErrors { throw BenchError.config(d.diagnostics.pretty()) }
        return arguments
    }

    /// How many entries the journal holds (every generated entry has a MESSAGE), counted with journalctl.
    static func entriesIn(_ dir: String) throws -> Int {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "journalctl -D '\(dir)' -q -o cat --output-fields=PRIORITY | wc -l"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// `journalctl -D DIR -o export > /dev/null`: its CPU time and peak RSS, for comparison.
    static func journalctl(_ dir: String, expected: Int) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/journalctl")
        p.arguments = ["-D", dir, "-o", "export", "--no-pager"]
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let start = ContinuousClock.now
        let (cpu0, _) = resourceUsage(children: true)
        try p.run()
        p.waitUntilExit()
        let elapsed = ContinuousClock.now - start
        let (cpu1, rss) = resourceUsage(children: true)
        let cpu = cpu1 - cpu0
        print("mode:               journalctl -o export > /dev/null")
        print("entries:            \(expected)")
        print("wall:               \(elapsed)")
        print("cpu:                \((cpu * 1000).rounded() / 1000) s")
        print("entries/cpu-s:      \(Int(Double(expected) / cpu))")
        print("peak RSS:           \((Double(rss) / 102.4).rounded() / 10) MiB (largest child so far)")
        return p.terminationStatus
    }

    enum BenchError: Error { case config(String) }
}
