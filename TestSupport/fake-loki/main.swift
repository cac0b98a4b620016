// A Loki-compatible push receiver on loopback for the local demo: `fake-loki [PORT]` (default 3100).
// Prints how many entries it has stored every few seconds.
import FakeLoki
import Foundation

let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 3100 : 3100
let loki = FakeLoki()
try loki.start(port: port)
print("fake Loki listening on \(loki.pushURL)")
while true {
    Thread.sleep(forTimeInterval: 5)
    let s = loki.stats
    print("requests=\(s.requests) stored=\(s.accepted) duplicates=\(s.duplicates) refused=\(s.refused)")
}
