#if canImport(Glibc)
import Glibc
#endif

/// Cuts a byte stream into lines at `\n`, holding an unterminated tail until more bytes arrive.
/// A trailing `\r` is removed from each line. Works on bytes; one copy per line.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []

    public init() {}

    /// Bytes held back because their line has not ended yet.
    public var pendingCount: Int { pending.count }

    /// Feeds `chunk`; calls `emit` with each complete line and the number of input bytes it spanned
    /// (including the `\n`).
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (_ line: [UInt8], _ consumed: Int) -> Void) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        var start = 0
        while start < chunk.count {
            guard let nl = memchr(base + start, 10, chunk.count - start) else { break }
            let end = base.distance(to: UnsafeRawPointer(nl))
            var line: [UInt8]
            let heldBefore = pending.count
            if pending.isEmpty {
                line = Array(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
            } else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
                line = pending
                pending = []
            }
            if line.last == 13 { line.removeLast() }
            emit(line, heldBefore + end - start + 1)
            start = end + 1
        }
        if start < chunk.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start...]))
        }
    }

    /// Returns the held-back tail as a line (used when a file ends for good) and clears it.
    public mutating func flush() -> [UInt8]? {
        guard !pending.isEmpty else { return nil }
        var line = pending
        pending = []
        if line.last == 13 { line.removeLast() }
        return line
    }
}
