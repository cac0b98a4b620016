import Platform
import CDeflate
import LogCore
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// The write-ahead log of loki.write.
//
// Layout: `<dir>/00000001.seg`, `00000002.seg`, … each a sequence of records
//
//     u32 LE payload length | u32 LE CRC-32 of the payload | payload
//
// and `<dir>/cursor-<endpoint>` files holding how far each endpoint has delivered (segment and offset, written
// atomically). Invariants: records are only appended; a record is acknowledged to its source once its write(2)
// returned (safe against process death), and fsync runs on an interval (power loss). On open every segment is
// scanned: a record whose length runs past the end or whose checksum fails ends the segment's valid part — the
// last segment is truncated there (a torn write), an earlier one is read only up to there — and the skipped bytes
// are reported. Segments that every cursor has passed are deleted. Each new segment starts with the record the
// owner's `preamble` gives (loki.write: every source's latest mark), so that the newest segment alone says where
// each source stands even after older segments were deleted.

/// A position in the log: a segment number and a byte offset in it.
public struct WALPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var segment: UInt32
    public var offset: Int64
    public init(segment: UInt32, offset: Int64) {
        self.segment = segment
        self.offset = offset
    }
    public static func < (a: WALPosition, b: WALPosition) -> Bool { (a.segment, a.offset) < (b.segment, b.offset) }
    public var description: String { "\(segment):\(offset)" }
}

/// A problem with the log, naming the file.
public struct WALError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable { case full, io }
    public var kind: Kind
    public var message: String
    public var description: String { message }
}

/// What opening the log found.
public struct WALRecovery: Sendable {
    public var segments = 0
    public var records = 0
    /// Corrupt regions skipped (each may have held several records); reading resumes at the next valid record.
    public var corruptRecords = 0
    public var truncatedBytes: Int64 = 0
    /// Segments missing between the first and the last (deleted by hand) or found empty before the last.
    public var missingSegments: [UInt32] = []
}

/// A segmented, checksummed, size-capped append-only log with per-reader cursors.
public final class WriteAheadLog: Sendable {
    private struct Segment {
        var number: UInt32
        var size: Int64        // bytes on disk
        var validEnd: Int64    // end of the last good record
        var opened = ContinuousClock.now  // when this run started writing it (or found it)
        /// Corrupt regions, in order: readers jump from a region's start to its end (the next valid record).
        var gaps: [Range<Int64>] = []
    }
    private struct State {
        var segments: [Segment] = []
        var fd: Int32 = -1
        var dirty = false
        /// The most recently appended records (up to `recentLimit` bytes), served to readers without reading them
        /// back from the file: a sender that keeps up never touches the disk for reading.
        var recent: [(start: WALPosition, next: WALPosition, payload: [UInt8])] = []
        var recentHead = 0
        var recentBytes = 0
        var lateCorruption = 0
        /// Set when the disk filled up: the next append starts a new segment.
        var rotateNext = false
    }
    private let recentLimit = 4 << 20

    public let directory: String
    public let maxSize: Int64
    public let segmentSize: Int64
    /// A segment written to for longer than this is closed and a new one started, so that delivered data is
    /// reclaimed within about this long even at low volume (Alloy's `max_segment_age`).
    public let maxSegmentAge: Duration
    private let state = Mutex(State())
    /// The payload written first in every new segment (nil: none).
    private let preamble: @Sendable () -> [UInt8]?
    /// Open cursor files, by reader name.
    private let cursorFiles = Mutex<[String: Int32]>([:])
    public let recovery: WALRecovery

    public init(directory: String, maxSize: Int64 = 1 << 30, segmentSize: Int64 = 64 << 20,
                maxSegmentAge: Duration = .seconds(3600),
                preamble: @escaping @Sendable () -> [UInt8]? = { nil }) throws(WALError) {
        self.directory = directory
        self.preamble = preamble
        self.maxSegmentAge = maxSegmentAge
        self.maxSize = maxSize
        self.segmentSize = min(segmentSize, maxSize)
        if mkdir(directory, 0o750) != 0 && errno != EEXIST {
            throw WALError(kind: .io, message: "\(directory): \(String(cString: strerror(errno)))")
        }
        var rec = WALRecovery()
        var segs: [Segment] = []
        let numbers = WriteAheadLog.listSegments(directory)
        if let first = numbers.first, let last = numbers.last {
            let present = Set(numbers)
            rec.missingSegments = (first...last).filter { !present.contains($0) }
        }
        for n in numbers {
            let path = WriteAheadLog.segmentPath(directory, n)
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            var st = stat()
            guard fd >= 0, fstat(fd, &st) == 0 else {
                let message = "\(path): \(String(cString: strerror(errno)))"
                if fd >= 0 { close(fd) }
                throw WALError(kind: .io, message: message)
            }
            defer { close(fd) }
            let size = Int(st.st_size)
            if size == 0 && n != numbers.last { rec.missingSegments.append(n) }
            var scanner = SegmentScanner(fd: fd, end: size)
            var off = 0
            var validEnd = 0
            var gaps: [Range<Int64>] = []
            while off < size {
                if let len = scanner.recordLength(at: off) {
                    rec.records += 1
                    off += 8 + len
                    validEnd = off
                    continue
                }
                // A corrupt or torn region: resynchronise at the next offset where a whole record checks out.
                let next = scanner.nextRecord(after: off) ?? size
                gaps.append(Int64(off)..<Int64(next))
                rec.corruptRecords += 1
                rec.truncatedBytes += Int64(next - off)
                off = next
            }
            var seg = Segment(number: n, size: Int64(size), validEnd: Int64(validEnd))
            // Garbage after the last record of the segment being written (a torn append) is cut off, so that
            // new records follow the last good one.
            if n == numbers.last && validEnd < size {
                truncate(path, off_t(validEnd))
                seg.size = Int64(validEnd)
            }
            seg.gaps = gaps.filter { $0.lowerBound < Int64(validEnd) }
            segs.append(seg)
        }
        rec.segments = segs.count
        recovery = rec
        state.withLock { $0.segments = segs }
    }

    static func segmentPath(_ dir: String, _ n: UInt32) -> String {
        var s = String(n)
        while s.count < 8 { s = "0" + s }
        return dir + "/" + s + ".seg"
    }

    static func listSegments(_ dir: String) -> [UInt32] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [UInt32] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasSuffix(".seg"), let n = UInt32(name.dropLast(4)) { out.append(n) }
        }
        return out.sorted()
    }

    /// Bytes on disk.
    public var size: Int64 { state.withLock { $0.segments.reduce(0) { $0 + $1.size } } }
    /// Each segment's number and size.
    public var segmentSizes: [(number: UInt32, size: Int64)] { state.withLock { $0.segments.map { ($0.number, $0.size) } } }
    public var segmentCount: Int { state.withLock { $0.segments.count } }

    /// The position just after the last record.
    public var end: WALPosition {
        state.withLock { s in
            guard let last = s.segments.last else { return WALPosition(segment: 1, offset: 0) }
            return WALPosition(segment: last.number, offset: last.validEnd)
        }
    }

    /// The first position still in the log.
    public var start: WALPosition {
        state.withLock { s in WALPosition(segment: s.segments.first?.number ?? 1, offset: 0) }
    }

    /// Appends one record; `.full` when it does not fit under `maxSize` (the caller waits or drops).
    @discardableResult
    public func append(_ payload: [UInt8]) throws(WALError) -> WALPosition {
        // The 8-byte header and the encoder's payload go out in one writev: the payload is never copied.
        var header: (UInt32, UInt32) = (UInt32(payload.count).littleEndian, crc32Of(payload, 0, payload.count).littleEndian)
        let recordCount = payload.count + 8
        return try state.withLock { s throws(WALError) -> WALPosition in
            let total = s.segments.reduce(0) { $0 + $1.size }
            if total + Int64(recordCount) > maxSize && total > 0 {
                throw WALError(kind: .full, message: "write-ahead log is full (\(total) of \(maxSize) bytes)")
            }
            let now = ContinuousClock.now
            let fits = s.segments.last.map {
                $0.size == 0 || (!s.rotateNext && $0.size + Int64(recordCount) <= segmentSize && now - $0.opened < maxSegmentAge)
            } ?? false
            if s.fd < 0 || !fits {
                if s.fd >= 0 {
                    fsync(s.fd)
                    close(s.fd)
                    s.fd = -1
                }
                if !fits {
                    s.segments.append(Segment(number: (s.segments.last?.number ?? 0) + 1, size: 0, validEnd: 0))
                    s.rotateNext = false
                }
                let path = WriteAheadLog.segmentPath(directory, s.segments[s.segments.count - 1].number)
                let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
                if fd < 0 { throw WALError(kind: .io, message: "\(path): \(String(cString: strerror(errno)))") }
                s.fd = fd
                if s.segments[s.segments.count - 1].size == 0, let first = preamble() {
                    try appendLocked(&s, first)
                }
            }
            return try appendLocked(&s, payload, header: &header)
        }
    }

    @discardableResult
    private func appendLocked(_ s: inout State, _ payload: [UInt8]) throws(WALError) -> WALPosition {
        var header: (UInt32, UInt32) = (UInt32(payload.count).littleEndian, crc32Of(payload, 0, payload.count).littleEndian)
        return try appendLocked(&s, payload, header: &header)
    }

    /// Writes one record to the open segment (the caller holds the lock and opened it).
    private func appendLocked(_ s: inout State, _ payload: [UInt8], header: inout (UInt32, UInt32)) throws(WALError) -> WALPosition {
        let recordCount = payload.count + 8
        let i = s.segments.count - 1
        let at = WALPosition(segment: s.segments[i].number, offset: s.segments[i].size)
        let fd = s.fd
        let failure: Int32? = withUnsafeBytes(of: &header) { head in
            payload.withUnsafeBytes { body in WriteAheadLog.writeAll(fd, head, body) }
        }
        if let failure {
            // Cut off a partial record so the segment stays readable.
            ftruncate(s.fd, off_t(s.segments[i].size))
            let message = "\(WriteAheadLog.segmentPath(directory, s.segments[i].number)): \(String(cString: strerror(failure)))"
            // A full disk is like a full log (wal.on_full applies), and new records go to a new segment, so
            // that this one can be deleted once delivered and its space used again.
            let diskFull = failure == ENOSPC || failure == EDQUOT
            if diskFull { s.rotateNext = true }
            throw WALError(kind: diskFull ? .full : .io, message: message)
        }
        s.segments[i].size += Int64(recordCount)
        s.segments[i].validEnd = s.segments[i].size
        s.dirty = true
        s.recent.append((at, WALPosition(segment: at.segment, offset: s.segments[i].size), payload))
        s.recentBytes += payload.count
        while s.recentBytes > recentLimit && s.recentHead < s.recent.count - 1 { WriteAheadLog.forgetOldestRecent(&s) }
        if s.recentHead > 1024 && s.recentHead * 2 > s.recent.count {
            s.recent.removeFirst(s.recentHead)
            s.recentHead = 0
        }
        return at
    }

    /// Writes `head` then `body` with `writev`, going on after short writes; the `errno` of a failure, or nil.
    private static func writeAll(_ fd: Int32, _ head: UnsafeRawBufferPointer, _ body: UnsafeRawBufferPointer) -> Int32? {
        var done = 0
        let total = head.count + body.count
        while done < total {
            var parts: [iovec] = []
            if done < head.count {
                parts.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress! + done), iov_len: head.count - done))
            }
            let bodyDone = max(0, done - head.count)
            if body.count > bodyDone {
                parts.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress! + bodyDone), iov_len: body.count - bodyDone))
            }
            let n = writev(fd, parts, Int32(parts.count))
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return nil
    }

    /// fsyncs the segment being written, if anything was appended since the last call.
    public func sync() {
        state.withLock { s in
            if s.dirty, s.fd >= 0 { fsync(s.fd) }
            s.dirty = false
        }
    }

    /// Up to `maxBytes` of records from `position` on (at least one if any): each with its start and the position
    /// after it. Positions inside a deleted segment move to the next one.
    public func read(from position: WALPosition, maxBytes: Int = 4 << 20) throws(WALError) -> [(start: WALPosition, next: WALPosition, payload: [UInt8])] {
        if let cached = state.withLock({ s in WriteAheadLog.recentRecords(s, from: position, maxBytes: maxBytes) }) { return cached }
        let segs = state.withLock { $0.segments }
        var out: [(WALPosition, WALPosition, [UInt8])] = []
        var total = 0
        var pos = position
        for seg in segs where seg.number >= pos.segment {
            if seg.number > pos.segment { pos = WALPosition(segment: seg.number, offset: 0) }
            guard pos.offset < seg.validEnd else { continue }
            let path = WriteAheadLog.segmentPath(directory, seg.number)
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 { throw WALError(kind: .io, message: "\(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            while pos.offset < seg.validEnd && (out.isEmpty || total < maxBytes) {
                if let gap = seg.gaps.first(where: { $0.contains(pos.offset) }) {
                    pos = WALPosition(segment: seg.number, offset: gap.upperBound)
                    continue
                }
                var header = [UInt8](repeating: 0, count: 8)
                guard header.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 8, off_t(pos.offset)) }) == 8 else { break }
                let len = Int(le32(header, 0))
                var n = 0
                let payload = [UInt8](unsafeUninitializedCapacity: len) { buf, count in
                    n = pread(fd, buf.baseAddress, len, off_t(pos.offset + 8))
                    count = max(0, n)
                }
                guard len > 0, n == len, crc32Of(payload, 0, len) == le32(header, 4) else {
                    // Corrupted since the log was opened: skip to the next valid record of the segment.
                    guard let next = resynchronise(fd, seg, from: pos.offset) else { break }
                    pos = WALPosition(segment: seg.number, offset: next)
                    continue
                }
                let next = WALPosition(segment: seg.number, offset: pos.offset + 8 + Int64(len))
                out.append((pos, next, payload))
                total += len
                pos = next
            }
            if !out.isEmpty && total >= maxBytes { break }
        }
        return out
    }

    /// After a bad record at `offset`, the offset of the next valid one in the segment (recorded as a gap, logged
    /// by the caller's metrics through `lateCorruption`), or nil when none follows.
    private func resynchronise(_ fd: Int32, _ seg: Segment, from offset: Int64) -> Int64? {
        var scanner = SegmentScanner(fd: fd, end: Int(seg.validEnd))
        guard let next = scanner.nextRecord(after: Int(offset)) else { return nil }
        let gap = offset..<Int64(next)
        state.withLock { s in
            if let i = s.segments.firstIndex(where: { $0.number == seg.number }), !s.segments[i].gaps.contains(gap) {
                s.segments[i].gaps.append(gap)
                s.segments[i].gaps.sort { $0.lowerBound < $1.lowerBound }
                s.lateCorruption += 1
            }
        }
        return gap.upperBound
    }

    /// Corrupt regions found by readers after the log was opened (bit rot, a file edited by hand).
    public var lateCorruption: Int { state.withLock { $0.lateCorruption } }

    /// Records from `position` on out of the in-memory tail, or nil when `position` is not in it (read the file).
    private static func recentRecords(_ s: State, from position: WALPosition, maxBytes: Int) -> [(start: WALPosition, next: WALPosition, payload: [UInt8])]? {
        guard s.recentHead < s.recent.count, position >= s.recent[s.recentHead].start else { return nil }
        // The first kept record that starts at `position`, or right after a record that ends there (a reader at
        // the end of a segment continues at the start of the next).
        var lo = s.recentHead, hi = s.recent.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if s.recent[mid].start < position { lo = mid + 1 } else { hi = mid }
        }
        if lo == s.recent.count {
            return s.recent[lo - 1].next == position ? [] : nil
        }
        guard s.recent[lo].start == position || (lo > s.recentHead && s.recent[lo - 1].next == position) else { return nil }
        var out: [(start: WALPosition, next: WALPosition, payload: [UInt8])] = []
        var total = 0
        var i = lo
        while i < s.recent.count && (out.isEmpty || total < maxBytes) {
            out.append(s.recent[i])
            total += s.recent[i].payload.count
            i += 1
        }
        return out
    }

    /// Forgets the in-memory copies of records in segment `segment` and before.
    private static func dropRecent(_ s: inout State, throughSegment segment: UInt32) {
        while s.recentHead < s.recent.count && s.recent[s.recentHead].start.segment <= segment { forgetOldestRecent(&s) }
    }

    /// Releases the oldest in-memory record (its slot is reclaimed when the array is compacted on append).
    private static func forgetOldestRecent(_ s: inout State) {
        s.recentBytes -= s.recent[s.recentHead].payload.count
        s.recent[s.recentHead].payload = []
        s.recentHead += 1
    }

    /// Deletes every segment that lies entirely before `position` (all readers are past it).
    public func release(before position: WALPosition) {
        state.withLock { s in
            // A segment is delivered when the position is past it, or at its end once it is no longer written to.
            while let first = s.segments.first, s.segments.count > 1,
                  first.number < position.segment || (first.number == position.segment && position.offset >= first.validEnd) {
                unlink(WriteAheadLog.segmentPath(directory, first.number))
                s.segments.removeFirst()
                WriteAheadLog.dropRecent(&s, throughSegment: first.number)
            }
        }
    }

    /// Deletes the oldest segment even if undelivered (the `drop_oldest` policy); returns its records' payloads
    /// so that the caller can count what was dropped. Never drops the segment being written.
    public func dropOldestSegment() -> [[UInt8]] {
        guard let first = state.withLock({ s in s.segments.count > 1 ? s.segments.first : nil }) else { return [] }
        let records = (try? read(from: WALPosition(segment: first.number, offset: 0), maxBytes: Int.max))?
            .filter { $0.start.segment == first.number }.map(\.payload) ?? []
        state.withLock { s in
            guard s.segments.first?.number == first.number else { return }
            unlink(WriteAheadLog.segmentPath(directory, first.number))
            s.segments.removeFirst()
            WriteAheadLog.dropRecent(&s, throughSegment: first.number)
        }
        return records
    }

    // MARK: cursors

    private func cursorPath(_ name: String) -> String { directory + "/cursor-" + name }

    /// The saved delivery position of reader `name`, or the start of the log (also when the record is damaged:
    /// then everything is delivered again rather than anything skipped).
    public func cursor(_ name: String) -> WALPosition { cursorRecord(name).delivered }

    /// The saved delivery position of reader `name` and, when it was sending when it stopped, the end of the
    /// records it was sending (they may have been received: sending them again is a replay).
    public func cursorRecord(_ name: String) -> (delivered: WALPosition, inFlightEnd: WALPosition?) {
        guard let bytes = try? FileIO.readIfExists(cursorPath(name)) else { return (start, nil) }
        let parts = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        let numbers = parts.count == 3 || parts.count == 5 ? parts.dropLast() : parts[...]
        guard numbers.count == 2 || numbers.count == 4, let seg = UInt32(numbers[numbers.startIndex]),
              let off = Int64(numbers[numbers.startIndex + 1]) else { return (start, nil) }
        if numbers.count < parts.count {
            let text = Array(numbers.joined(separator: " ").utf8)
            guard UInt32(parts.last!, radix: 16) == crc32Of(text, 0, text.count) else { return (start, nil) }
        }
        let delivered = max(WALPosition(segment: seg, offset: off), start)
        guard numbers.count == 4, let iseg = UInt32(numbers[numbers.startIndex + 2]),
              let ioff = Int64(numbers[numbers.startIndex + 3]) else { return (delivered, nil) }
        let inFlight = WALPosition(segment: iseg, offset: ioff)
        return (delivered, inFlight > delivered ? inFlight : nil)
    }

    /// Saves reader `name`'s delivery position, and the end of what it is about to send (nil once delivered): a
    /// fixed-size record (`segment offset [segment offset] crc32`) rewritten in place with one `pwrite` — no
    /// temporary file and rename per delivered batch.
    public func saveCursor(_ name: String, _ p: WALPosition, inFlightEnd: WALPosition? = nil) throws(WALError) {
        var text = Array("\(p.segment) \(p.offset)".utf8)
        if let e = inFlightEnd { text += Array(" \(e.segment) \(e.offset)".utf8) }
        var record = text + Array(" \(String(crc32Of(text, 0, text.count), radix: 16))".utf8)
        record += [UInt8](repeating: 32, count: max(0, 79 - record.count)) + [10]
        let path = cursorPath(name)
        try cursorFiles.withLock { (files: inout [String: Int32]) throws(WALError) in
            var fd = files[name] ?? -1
            if fd < 0 {
                fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o640)
                if fd < 0 { throw WALError(kind: .io, message: "\(path): \(String(cString: strerror(errno)))") }
                files[name] = fd
            }
            let n = record.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
            if n != record.count { throw WALError(kind: .io, message: "\(path): \(String(cString: strerror(errno)))") }
        }
    }

    deinit {
        state.withLock { s in
            if s.fd >= 0 { fsync(s.fd); close(s.fd) }
        }
        cursorFiles.withLock { files in for fd in files.values { close(fd) } }
    }
}

func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
    UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
}

func crc32Of(_ b: [UInt8], _ start: Int, _ count: Int) -> UInt32 {
    if count == 0 { return 0 }
    return b.withUnsafeBytes { raw in
        libdeflate_crc32(0, raw.baseAddress! + start, count)
    }
}
