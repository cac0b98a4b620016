import CDeflate
#if canImport(Glibc)
import Glibc
#endif

/// Checks the records of one write-ahead log segment on disk without holding the segment in memory: headers are
/// read where they are, checksums are computed over the payload in 1 MiB pieces, and a corrupt region is searched
/// for the next valid record one 1 MiB window at a time. (Opening a 1 GiB log this way needs 2 MiB, not 64 MiB per
/// segment.)
struct SegmentScanner {
    let fd: Int32
    /// The bytes of the segment that count (its size, or where reading must stop).
    let end: Int
    private var piece = [UInt8](repeating: 0, count: 1 << 20)
    private var window = [UInt8](repeating: 0, count: (1 << 20) + 8)

    init(fd: Int32, end: Int) {
        self.fd = fd
        self.end = end
    }

    /// The payload length of the record at `offset` when it is whole, non-empty and its checksum matches; else nil.
    /// (No writer appends an empty payload: a zero-length "record" is zeroed space, not data.)
    mutating func recordLength(at offset: Int) -> Int? {
        guard offset + 8 <= end else { return nil }
        var header: (UInt32, UInt32) = (0, 0)
        guard withUnsafeMutableBytes(of: &header, { pread(fd, $0.baseAddress, 8, off_t(offset)) }) == 8 else { return nil }
        let length = Int(UInt32(littleEndian: header.0))
        guard length > 0, length <= end - offset - 8 else { return nil }
        return checksum(offset + 8, length) == UInt32(littleEndian: header.1) ? length : nil
    }

    /// The CRC-32 of `count` bytes at `offset`, read a piece at a time (nil when they cannot be read).
    private mutating func checksum(_ offset: Int, _ count: Int) -> UInt32? {
        var crc: UInt32 = 0
        var done = 0
        let fd = self.fd
        while done < count {
            let want = min(piece.count, count - done)
            let got = piece.withUnsafeMutableBytes { buf -> Int in
                let n = pread(fd, buf.baseAddress, want, off_t(offset + done))
                if n > 0 { crc = libdeflate_crc32(crc, buf.baseAddress, n) }
                return n
            }
            guard got > 0 else { return nil }
            done += got
        }
        return crc
    }

    /// The first offset after `offset` where a valid record starts, or nil.
    mutating func nextRecord(after offset: Int) -> Int? {
        var start = offset + 1
        let fd = self.fd
        while start + 8 <= end {
            let want = min(window.count, end - start)
            let got = window.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(start)) }
            guard got >= 8 else { return nil }
            for i in 0...(got - 8) {
                // Only a plausible length is worth a checksum.
                let length = Int(window[i]) | Int(window[i + 1]) << 8 | Int(window[i + 2]) << 16 | Int(window[i + 3]) << 24
                guard length > 0, length <= end - (start + i) - 8 else { continue }
                if recordLength(at: start + i) != nil { return start + i }
            }
            start += got - 7
        }
        return nil
    }
}
