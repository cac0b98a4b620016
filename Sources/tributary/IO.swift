import Platform
import LogCore
#if canImport(Glibc)
import Glibc
#endif

func systemMessage(_ code: Int32) -> String { String(cString: strerror(code)) }

/// Reads a whole file.
/// Configuration files are small (Alloy's own are a few KiB); a larger input is refused, not read without bound.
let configurationSizeLimit = 16 << 20

func readFileBytes(_ path: String) throws(FileIOError) -> [UInt8] { try FileIO.read(path, limit: configurationSizeLimit) }

func readStandardInput() throws(FileIOError) -> [UInt8] { try FileIO.readAll(fd: 0, path: "<stdin>", limit: configurationSizeLimit) }

/// Writes a file through a temporary file and a rename.
func writeFileAtomically(_ path: String, _ bytes: [UInt8]) throws(FileIOError) {
    try FileIO.writeAtomically(path, bytes, durable: false)
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
