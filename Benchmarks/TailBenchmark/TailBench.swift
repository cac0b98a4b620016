// Benchmark of loki.source.file's reading path: tails a generated kubelet tree (../shared/tools/gen-pods.py DIR)
// into a counting receiver and prints lines/s, MB/s, CPU seconds and peak RSS.
//
//   swift build -c release --product TailBenchmark
//   taskset -c 0 .build/release/TailBenchmark DIR        # one core, as the budget is stated
import BenchmarkSupport
import FileSource
import LogCore
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

func manifestLines(_ dir: String) -> Int? {
    guard let f = fopen(dir + "/manifest.json", "r") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        bytes += buf[0..<n]
    }
    let key = Array("\"lines\": ".utf8)
    guard let i = (0...(max(0, bytes.count - key.count))).first(where: { bytes[$0..<$0 + key.count].elementsEqual(key) }) else { return nil }
    return Int(String(decoding: bytes[(i + key.count)...].prefix { $0 >= 48 && $0 <= 57 }, as: UTF8.self))
}

/// The benchmark itself, outside top-level code so that nothing in it is bound to the main actor.
enum TailBench {
    static func run() async throws -> Int32 {
        let args = CommandLine.arguments
        guard args.count >= 2 else {
            print("usage: TailBenchmark DIR   (DIR made by gen-pods.py)")
            return 2
        }
        let dir = args[1]
        let files = Glob.expand(dir + "/*/*/*.log")
        guard let expected = manifestLines(dir), !files.isEmpty else {
            print("no manifest.json or no */*/*.log files under \(dir)")
            return 2
        }
        let positions = "/tmp/tributary-bench-positions-\(getpid()).yml"
        unlink(positions)
        let receiver = CountingReceiver()
        var config = TailerConfig()
        config.minPoll = .milliseconds(50)
        config.maxPoll = .milliseconds(50)
        let group = try FileTailerGroup(componentID: "loki.source.file.bench", positionsPath: positions, legacyPositionsFile: nil,
                                        config: config, forward: Fanout([receiver]), logger: Logger(label: "bench"))
        let (cpu0, _) = resourceUsage()
        let start = ContinuousClock.now
        let runner = Task { await group.run() }
        group.sync(targets: files.map { FileTailerGroup.Target(path: $0, labels: LabelSet(["job": "bench"])) })
        while receiver.counts.withLock({ $0.entries }) < expected {
            try await Task.sleep(for: .milliseconds(5))
            if ContinuousClock.now - start > .seconds(600) { break }
        }
        let elapsed = ContinuousClock.now - start
        let (cpu1, maxRSSKiB) = resourceUsage()
        runner.cancel()
        await runner.value
        unlink(positions)
        let (lines, bytes) = receiver.counts.withLock { ($0.entries, $0.bytes) }
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let cpu = cpu1 - cpu0
        func fmt(_ v: Double, _ digits: Int = 2) -> String {
            var s = String(Int(v))
            let frac = Int((v - Double(Int(v))) * pow(10, Double(digits)) + 0.5)
            var f = String(frac)
            while f.count < digits { f = "0" + f }
            s += "." + f
            return s
        }
        print("files:           \(files.count)")
        print("lines:           \(lines) of \(expected)\(lines == expected ? "" : "  (INCOMPLETE)")")
        print("line bytes:      \(fmt(Double(bytes) / 1e6)) MB")
        print("wall:            \(fmt(wall, 3)) s")
        print("cpu:             \(fmt(cpu, 3)) s")
        print("lines/s (wall):  \(Int(Double(lines) / wall))")
        print("lines/cpu-s:     \(Int(Double(lines) / cpu))")
        print("MB/s (wall):     \(fmt(Double(bytes) / 1e6 / wall))")
        print("peak RSS:        \(fmt(Double(maxRSSKiB) / 1024, 1)) MiB")
        return lines == expected ? 0 : 1
    }
}
