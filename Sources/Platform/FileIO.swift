#if canImport(Glibc)
import Glibc
#endif

/// A file-system error naming the path, with the system's message and `errno`.
public struct FileIOError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String
    public var code: Int32
    public init(path: String, code: Int32) {
        self.path = path
        self.code = code
        self.message = String(cString: strerror(code))
    }
    public init(path: String, message: String) {
        self.path = path
        self.code = 0
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Whole-file reads and atomic writes with plain system calls.
public enum FileIO {
    /// Reads a whole file; nil when it does not exist.
    public static func readIfExists(_ path: String, limit: Int = .max) throws(FileIOError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileIOError(path: path, code: errno)
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { throw FileIOError(path: path, message: "is a directory") }
        return try readAll(fd: fd, path: path, limit: limit)
    }

    /// Reads a whole file; a missing file is an error.
    public static func read(_ path: String, limit: Int = .max) throws(FileIOError) -> [UInt8] {
        guard let bytes = try readIfExists(path, limit: limit) else { throw FileIOError(path: path, code: ENOENT) }
        return bytes
    }

    /// Reads from a descriptor until end of file; more than `limit` bytes is an error (`/dev/zero` never ends).
    public static func readAll(fd: Int32, path: String, limit: Int = .max) throws(FileIOError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(path: path, code: errno)
            }
            if n == 0 { break }
            if out.count + n > limit { throw FileIOError(path: path, message: "is larger than \(limit) bytes") }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Replaces `path` with `bytes` through a temporary file and a rename, so a reader (or a crash) never sees a
    /// half-written file. With `durable`, the data and the directory entry are also fsynced.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644, durable: Bool) throws(FileIOError) {
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if fd < 0 { throw FileIOError(path: tmp, code: errno) }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                throw FileIOError(path: tmp, code: e)
            }
            off += n
        }
        if durable { fsync(fd) }
        close(fd)
        if rename(tmp, path) != 0 { throw FileIOError(path: path, code: errno) }
        if durable {
            let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dfd >= 0 {
                fsync(dfd)
                close(dfd)
            }
        }
    }
}
