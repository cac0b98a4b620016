import Platform
import LogCore
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the journal files that libsystemd maps from piling up in the process's resident memory.
///
/// libsystemd reads journal files through shared, read-only memory maps and keeps up to 64 windows of 8 MiB each
/// mapped; every page read stays resident, so catching up with a large journal grows the RSS by hundreds of MiB
/// (`journalctl` shows the same). The pages belong to the page cache, which the files' writer (journald) already
/// holds. `MADV_DONTNEED` on a shared file mapping only drops the process's references: the mapping stays valid
/// and a later read faults the same bytes back in from the page cache. The reader calls ``trim()`` between batches,
/// after copying everything it needed out of the mappings.
enum MappedJournalTrimmer {
    /// Drops the resident pages of every mapping of a `.journal` or `.journal~` file; returns the bytes advised.
    @discardableResult
    static func trim() -> Int {
        guard let maps = try? FileIO.read("/proc/self/maps") else { return 0 }
        var advised = 0
        for line in maps.split(separator: 10) {
            guard line.last == UInt8(ascii: "l") || line.last == UInt8(ascii: "~"),
                  let range = journalMapping(line) else { continue }
            if madvise(UnsafeMutableRawPointer(bitPattern: range.start), Int(range.end - range.start), MADV_DONTNEED) == 0 {
                advised += Int(range.end - range.start)
            }
        }
        return advised
    }

    /// The address range of a `/proc/self/maps` line that maps a journal file read-only and shared.
    static func journalMapping(_ line: ArraySlice<UInt8>) -> (start: UInt, end: UInt)? {
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasSuffix(".journal") || text.hasSuffix(".journal~") else { return nil }
        let fields = text.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count == 6, fields[1].hasPrefix("r"), fields[1].hasSuffix("s"), !fields[1].contains("w") else { return nil }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16), end > start else { return nil }
        return (start, end)
    }
}
