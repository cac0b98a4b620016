#if canImport(Glibc)
import Glibc
#endif

/// A file-system error with the path and the system's message.
struct FileError: Error, CustomStringConvertible {
    var path: String
    var message: String
    var description: String { "\(path): \(message)" }
}

func systemMessage(_ code: Int32) -> String { String(cString: strerror(code)) }

/// Reads a whole file.
func readFileBytes(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { throw FileError(path: path, message: systemMessage(errno)) }
    defer { close(fd) }
    var st = stat()
    if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
        throw FileError(path: path, message: "is a directory")
    }
    return try readAll(fd, path: path)
}

func readAll(_ fd: Int32, path: String) throws -> [UInt8] {
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw FileError(path: path, message: systemMessage(errno))
        }
        if n == 0 { break }
        out.append(contentsOf: chunk[0..<n])
    }
    return out
}

func readStandardInput() -> [UInt8] { (try? readAll(0, path: "<stdin>")) ?? [] }

/// Writes a file through a temporary file and a rename.
func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws {
    let tmp = path + ".tmp-tributary"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 { throw FileError(path: tmp, message: systemMessage(errno)) }
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
        if n < 0 {
            if errno == EINTR { continue }
            let e = errno
            close(fd)
            throw FileError(path: tmp, message: systemMessage(e))
        }
        off += n
    }
    close(fd)
    if rename(tmp, path) != 0 { throw FileError(path: path, message: systemMessage(errno)) }
}

func writeStandardOutput(_ s: String) {
    var bytes = Array(s.utf8)
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + off, $0.count - off) }
        if n <= 0 { if errno == EINTR { continue }; return }
        off += n
    }
}

func printError(_ s: String) {
    let line = s + "\n"
    var bytes = Array(line.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
