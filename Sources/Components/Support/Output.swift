import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Serialises whole writes to standard output so that lines from different components never interleave.
final class StandardOutput: Sendable {
    static let shared = StandardOutput()
    private let lock = Mutex(())

    func write(_ bytes: [UInt8]) {
        lock.withLock { _ in
            var off = 0
            bytes.withUnsafeBytes { raw in
                while off < raw.count {
                    let n = Glibc.write(1, raw.baseAddress! + off, raw.count - off)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    off += n
                }
            }
        }
    }
}
