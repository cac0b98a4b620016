// End-to-end benchmark (issue 6): a generated kubelet tree (../shared/tools/gen-pods.py DIR) read by the real
// `tributary run` (release build) through loki.source.file → stage.cri → loki.write (WAL + gzip JSON) into a
// Loki-compatible receiver in this process. Prints entries/s, MB/s, the agent's CPU seconds and peak RSS, and the
// compression ratio.
//
//   swift build -c release --product tributary --product ShipBenchmark
//   .build/release/ShipBenchmark DIR [path/to/tributary]
//
// `SIGKILL_EVERY=2` kills the agent with SIGKILL every 2 seconds (and restarts it) until everything is stored,
// then reports the entries received twice and whether each came from the request in flight at a kill.
import FakeLoki
import Foundation

let args = CommandLine.arguments
guard args.count >= 2 else {
    print("usage: ShipBenchmark DIR [tributary-binary]")
    exit(2)
}
let dir = URL(fileURLWithPath: args[1])
let binary = args.count > 2 ? args[2] : ".build/release/tributary"
/// `GZIP_LEVEL=n` benchmarks another compression level than the default.
let gzipLevel = ProcessInfo.processInfo.environment["GZIP_LEVEL"].map { "\n\t\tgzip_level = \($0)" } ?? ""
guard let manifest = try? JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("manifest.json"))) as? [String: Any],
      let expected = manifest["entries"] as? Int, let lineBytes = manifest["bytes"] as? Int else {
    print("no manifest.json in \(dir.path)")
    exit(2)
}
let loki = FakeLoki()
try loki.start()
let work = FileManager.default.temporaryDirectory.appendingPathComponent("tributary-ship-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
let config = work.appendingPathComponent("ship.alloy")
try Data("""
local.file_match "pods" {
\tpath_targets = [{"__path__" = "\(dir.path)/*/*/*.log"}]
}

loki.source.file "pods" {
\ttargets    = local.file_match.pods.targets
\tforward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
\tforward_to = [loki.write.loki.receiver]

\tstage.cri { }
}

loki.write "loki" {
\tendpoint {
\t\turl = "\(loki.pushURL)"\(gzipLevel)
\t}
}
""".utf8).write(to: config)

func startAgent() throws -> Process {
    let agent = Process()
    agent.executableURL = URL(fileURLWithPath: binary)
    agent.arguments = ["run", config.path, "--storage.path", work.appendingPathComponent("data").path,
                       "--server.http.listen-addr", "127.0.0.1:0", "--log.level", "warn"]
    try agent.run()
    return agent
}
let killEvery = ProcessInfo.processInfo.environment["SIGKILL_EVERY"].flatMap(Double.init)
let start = Date()
var agent = try startAgent()
/// The request count at each kill: the last request before a kill is the only one that may be received again.
var killPoints: [Int] = []
var lastKill = start
/// The largest peak RSS of any of the agents, from /proc: a restarted agent's `ru_maxrss` also counts this
/// process's memory, which it shared between fork and exec.
var peakKiB = 0
func vmHWM(_ pid: Int32) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
    return kib
}
while loki.stats.accepted < expected && Date().timeIntervalSince(start) < 600 {
    Thread.sleep(forTimeInterval: 0.02)
    if killEvery != nil { peakKiB = max(peakKiB, vmHWM(agent.processIdentifier)) }
    if let killEvery, Date().timeIntervalSince(lastKill) >= killEvery {
        kill(agent.processIdentifier, SIGKILL)
        agent.waitUntilExit()
        Thread.sleep(forTimeInterval: 0.1)
        killPoints.append(loki.stats.requests)
        lastKill = Date()
        agent = try startAgent()
    }
}
let wall = Date().timeIntervalSince(start)
kill(agent.processIdentifier, SIGTERM)
agent.waitUntilExit()
var usage = rusage()
getrusage(RUSAGE_CHILDREN.rawValue, &usage)
let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
let s = loki.stats
try? FileManager.default.removeItem(at: work)
print("entries stored:     \(s.accepted) of \(expected) (duplicates received: \(s.duplicates))")
print("wall:               \(String(format: "%.2f", wall)) s")
print("agent CPU (u+s):    \(String(format: "%.2f", cpu)) s")
print("entries/s (wall):   \(Int(Double(s.accepted) / wall))")
print("entries/CPU-s:      \(Int(Double(s.accepted) / cpu))")
print("MB/s (file bytes):  \(String(format: "%.1f", Double(lineBytes) / 1e6 / wall))")
let peakMiB = killEvery == nil ? Double(usage.ru_maxrss) / 1024 : Double(peakKiB) / 1024
print("agent peak RSS:     \(String(format: "%.1f", peakMiB)) MiB\(killEvery == nil ? "" : " (largest of the agents)")")
print("compression:        \(String(format: "%.2f", Double(s.uncompressedBytes) / Double(max(1, s.compressedBytes))))x (\(s.uncompressedBytes / 1_000_000) MB JSON → \(s.compressedBytes / 1_000_000) MB gzip)")
var unexplained = 0
if killEvery != nil {
    let inFlight = Set(killPoints)
    unexplained = s.duplicatesByFirstRequest.filter { !inFlight.contains($0.key) }.values.reduce(0, +)
    let resent = s.duplicatesByFirstRequest.filter { inFlight.contains($0.key) }.values.reduce(0, +)
    print("SIGKILLs:           \(killPoints.count) (\(s.requests) requests)")
    print("received twice:     \(resent) from the request in flight at a kill, \(unexplained) from any other")
}
loki.shutdown()
exit(s.accepted == expected && unexplained == 0 ? 0 : 1)
