// What the benchmark executables share: a receiver that only counts, and the process's CPU time and peak RSS.
import LogCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Counts the entries and line bytes it receives and does nothing else, so a benchmark's figures are those of
/// what feeds it.
public final class CountingReceiver: LogsReceiver {
    public let counts = Mutex<(entries: Int, bytes: Int)>((0, 0))
    public init() {}
    public func receive(_ batch: EntryBatch) async {
        var bytes = 0
        for e in batch.entries { bytes += e.line.count }
        counts.withLock {
            $0.entries += batch.count
            $0.bytes += bytes
        }
    }
}

/// CPU seconds (user + system) and peak resident memory (KiB) of this process, or of its waited-for children.
public func resourceUsage(children: Bool = false) -> (cpu: Double, maxRSSKiB: Int) {
    var u = rusage()
    getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &u)
    return (Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6,
            Int(u.ru_maxrss))
}
