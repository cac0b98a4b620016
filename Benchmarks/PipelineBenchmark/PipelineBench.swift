// Benchmark of file reading plus a typical loki.process pipeline (issue 5's budget): tails a generated kubelet
// tree (../shared/tools/gen-pods.py DIR) through stage.cri + stage.regex + stage.labels + stage.drop into a
// counting receiver, and prints lines/s, CPU seconds and peak RSS.
//
//   swift build -c release --product PipelineBenchmark
//   taskset -c 0 .build/release/PipelineBenchmark DIR
import Platform
import BenchmarkSupport
import Components
import FileSource
import LogCore
import Logging
import Evaluation
import Runtime
import Synchronization
import Syntax
#if canImport(Glibc)
import Glibc
#endif

/// Counts lines read once the pipeline has handled them (receive returns after processing).
final class Tap: LogsReceiver {
    let next: any LogsReceiver
    let lines = Mutex(0)
    init(_ next: any LogsReceiver) { self.next = next }
    func receive(_ batch: EntryBatch) async {
        await next.receive(batch)
        lines.withLock { $0 += batch.count }
    }
}

/// The benchmark itself, outside top-level code so that nothing in it is bound to the main actor.
enum PipelineBench {
    static func run() async throws -> Int32 {
        let args = CommandLine.arguments
        guard args.count >= 2 else {
            print("usage: PipelineBenchmark DIR   (DIR made by gen-pods.py)")
            return 2
        }
        let files = Glob.expand(args[1] + "/*/*/*.log")
        guard !files.isEmpty else { print("no */*/*.log under \(args[1])"); return 2 }
        var expectedLines = 0
        for f in files { expectedLines += (try? FileIO.read(f))?.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } ?? 0 }

        let counter = CountingReceiver()
        let config = #"""
        loki.process "bench" {
        	forward_to = [bench.count.receiver]

        	stage.cri { }

        	stage.regex {
        		expression = "(?i)\\b(?P<level>debug|info|warn|warning|error)\\b"
        	}

        	stage.labels {
        		values = {level = ""}
        	}

        	stage.drop {
        		source     = "level"
        		expression = "(?i)debug"
        	}
        }
        """#
        let source = SourceFile(name: "bench.alloy", text: config)
        let file = try Parser.parse(source)
        guard case .block(let block) = file.body[0] else { return 2 }
        let scope: [String: Value] = ["bench": .object(["count": .object(["receiver": ReceiverCapsule(ownerID: "bench", receiver: counter).value])])]
        var decoder = BodyDecoder(evaluator: Evaluator(source: source, scope: scope), body: block.body, anchor: (0, 0))
        let arguments = LokiProcessComponent.Arguments(&decoder)
        decoder.finish()
        if decoder.diagnostics.hasErrors { print(decoder.diagnostics.pretty()); return 2 }
        let process = try await LokiProcessComponent(options: ComponentOptions(id: "loki.process.bench", dataPath: "/tmp") { _ in }, arguments: arguments)
        let tap = Tap(process)

        let positions = "/tmp/tributary-pipeline-bench-\(getpid()).yml"
        var tailConfig = TailerConfig()
        tailConfig.minPoll = .milliseconds(50)
        tailConfig.maxPoll = .milliseconds(50)
        let group = try FileTailerGroup(componentID: "loki.source.file.bench", positionsPath: positions, legacyPositionsFile: nil,
                                        config: tailConfig, forward: Fanout([tap]), logger: Logger(label: "bench"))
        let (cpu0, _) = resourceUsage()
        let start = ContinuousClock.now
        let runner = Task { await group.run() }
        group.sync(targets: files.map { FileTailerGroup.Target(path: $0, labels: LabelSet(["job": "bench"])) })
        while tap.lines.withLock({ $0 }) < expectedLines {
            try await Task.sleep(for: .milliseconds(5))
            if ContinuousClock.now - start > .seconds(600) { break }
        }
        let elapsed = ContinuousClock.now - start
        let (cpu1, rss) = resourceUsage()
        runner.cancel()
        await runner.value
        unlink(positions)
        let lines = tap.lines.withLock { $0 }
        let (entries, _) = counter.counts.withLock { ($0.entries, $0.bytes) }
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let cpu = cpu1 - cpu0
        print("files:            \(files.count)")
        print("lines read:       \(lines) of \(expectedLines)")
        print("entries out:      \(entries) (after joining partial lines and dropping debug)")
        print("wall:             \((wall * 1000).rounded() / 1000) s")
        print("cpu:              \((cpu * 1000).rounded() / 1000) s")
        print("lines/s (wall):   \(Int(Double(lines) / wall))")
        print("lines/cpu-s:      \(Int(Double(lines) / cpu))")
        print("peak RSS:         \((Double(rss) / 102.4).rounded() / 10) MiB")
        return lines == expectedLines ? 0 : 1
    }
}
