#if canImport(Glibc)
import Glibc
#endif

/// Cuts a byte stream into lines at the (encoded) line feed, holding an unterminated tail until more bytes arrive.
///
/// Lines longer than `maxLineSize` bytes are truncated to that size; the rest of such a line is discarded as it
/// arrives, so a 20 MiB line never holds more than `maxLineSize` bytes in memory. `pendingBytes` counts the file
/// bytes of the unfinished line (held or discarded), so that `consumed − pendingBytes` is always the offset just
/// after the last complete line.
public struct LineSplitter: Sendable {
    public let encoding: TextEncoding
    public let maxLineSize: Int
    private var held: [UInt8] = []
    private var carry: [UInt8] = []      // UTF-16: an odd byte left over from the previous chunk
    public private(set) var pendingBytes = 0
    private var truncating = false
    /// Set after an unterminated line was forwarded early: its line feed, if it comes next, ends nothing new.
    private var swallowNextLineFeed = false

    /// - Parameter maxLineSize: bytes; 0 means unlimited.
    public init(encoding: TextEncoding = .utf8, maxLineSize: Int = 0) {
        self.encoding = encoding
        self.maxLineSize = maxLineSize
    }

    /// Whether an unterminated line is held.
    public var hasPending: Bool { pendingBytes > 0 }

    /// Forgets the unfinished line (after a truncation of the file).
    public mutating func reset() {
        held = []
        carry = []
        pendingBytes = 0
        truncating = false
        swallowNextLineFeed = false
    }

    private mutating func hold(_ part: UnsafeRawBufferPointer) {
        pendingBytes += part.count
        if maxLineSize > 0 {
            let room = maxLineSize - held.count
            if part.count > room {
                if room > 0 { held.append(contentsOf: UnsafeRawBufferPointer(rebasing: part[0..<room])) }
                truncating = true
                return
            }
        }
        held.append(contentsOf: part)
    }

    /// Feeds `chunk`; calls `emit` with each complete line (without its line feed), whether it was truncated, and
    /// where in `chunk` the line ends (just after its line feed).
    public mutating func feed(_ chunk: UnsafeRawBufferPointer,
                              _ emit: (_ line: UnsafeRawBufferPointer, _ truncated: Bool, _ end: Int) -> Void) {
        if encoding.unitWidth == 2 {
            feedUTF16(chunk, emit)
            return
        }
        guard let base = chunk.baseAddress, chunk.count > 0 else { return }
        var start = 0
        if swallowNextLineFeed {
            swallowNextLineFeed = false
            if chunk[0] == 10 { start = 1 }
        }
        while start < chunk.count {
            guard let nl = memchr(base + start, 10, chunk.count - start) else { break }
            let end = base.distance(to: UnsafeRawPointer(nl))
            let part = UnsafeRawBufferPointer(rebasing: chunk[start..<end])
            if pendingBytes == 0 && (maxLineSize == 0 || part.count <= maxLineSize) {
                emit(part, false, end + 1)
            } else {
                hold(part)
                let truncated = truncating
                held.withUnsafeBytes { emit($0, truncated, end + 1) }
                held.removeAll(keepingCapacity: held.capacity <= 65536)
                pendingBytes = 0
                truncating = false
            }
            start = end + 1
        }
        if start < chunk.count { hold(UnsafeRawBufferPointer(rebasing: chunk[start...])) }
    }

    private mutating func feedUTF16(_ chunk: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer, Bool, Int) -> Void) {
        let carried = carry.count
        var data = carry
        data.append(contentsOf: chunk)
        pendingBytes -= carry.count   // the carried byte was already counted
        carry = []
        let big = encoding == .utf16BE
        data.withUnsafeBytes { b in
            var start = 0
            var i = 0
            while i + 1 < b.count {
                let isLF = big ? (b[i] == 0 && b[i + 1] == 10) : (b[i] == 10 && b[i + 1] == 0)
                if isLF {
                    hold(UnsafeRawBufferPointer(rebasing: b[start..<i]))
                    let truncated = truncating
                    held.withUnsafeBytes { emit($0, truncated, i + 2 - carried) }
                    held.removeAll(keepingCapacity: true)
                    pendingBytes = 0
                    truncating = false
                    start = i + 2
                }
                i += 2
            }
            let evenEnd = start + (b.count - start) / 2 * 2
            if evenEnd > start { hold(UnsafeRawBufferPointer(rebasing: b[start..<evenEnd])) }
            if evenEnd < b.count {
                carry = [b[evenEnd]]
                pendingBytes += 1
            }
        }
    }

    /// Emits the held unterminated line, if any (when a file ends for good or has been idle), and clears it.
    /// When the line feed that ends it arrives later, it does not produce an extra empty line.
    public mutating func flush(_ emit: (_ line: UnsafeRawBufferPointer, _ truncated: Bool) -> Void) {
        guard pendingBytes > 0 else { return }
        let truncated = truncating
        held.withUnsafeBytes { emit($0, truncated) }
        reset()
        swallowNextLineFeed = encoding.unitWidth == 1
    }
}
