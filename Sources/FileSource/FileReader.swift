import LogCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads one file from its start, cuts it into lines and forwards them in batches, then follows the file as it
/// grows. (First version: no positions, rotation or truncation handling yet.)
public struct FileReader: Sendable {
    public let path: String
    /// The entry labels: the target's non-reserved labels plus `filename`.
    public let labels: LabelSet
    public let pollInterval: Duration
    public let readBufferSize: Int

    public init(path: String, labels: LabelSet, pollInterval: Duration = .milliseconds(250), readBufferSize: Int = 256 * 1024) {
        self.path = path
        self.labels = labels
        self.pollInterval = pollInterval
        self.readBufferSize = readBufferSize
    }

    /// An error opening or reading the file, with the system's message.
    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// Reads until the task is cancelled. Returns after cancellation; throws if the file cannot be opened or read.
    public func run(forwardTo fanout: Fanout, onLines: @Sendable (Int, Int) -> Void = { _, _ in }) async throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 { throw ReadError(path: path, message: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 {
            let kind = st.st_mode & S_IFMT
            if kind == S_IFDIR { throw ReadError(path: path, message: "is a directory") }
            if kind != S_IFREG { throw ReadError(path: path, message: "is not a regular file") }
        }
        var splitter = LineSplitter()
        var buffer = [UInt8](repeating: 0, count: readBufferSize)
        while !Task.isCancelled {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw ReadError(path: path, message: String(cString: strerror(errno)))
            }
            if n == 0 {
                try? await Task.sleep(for: pollInterval)
                continue
            }
            let now = WallClock.nowNanoseconds()
            var entries: [LogEntry] = []
            let labels = self.labels
            buffer.withUnsafeBytes { raw in
                splitter.feed(UnsafeRawBufferPointer(rebasing: raw[0..<n])) { line, _ in
                    entries.append(LogEntry(timestamp: now, line: line, labels: labels))
                }
            }
            onLines(entries.count, n)
            await fanout.send(EntryBatch(entries))
        }
    }
}
