import Platform
import CZlib
import LogCore
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Reads a compressed file (gzip or zlib, e.g. a kubelet-rotated `0.log.20261125-100000.gz`) once through zlib:
/// waits `initial_delay`, skips the decompressed bytes already acknowledged, forwards the rest line by line,
/// flushes the last unterminated line at the end and keeps the final position, so a finished archive is never
/// forwarded twice. Offsets are in decompressed bytes.
struct CompressedFileReader {
    let path: String
    let labels: LabelSet
    let key: PositionKey
    let ctx: TailerContext
    let decompression: DecompressionConfig

    struct InflateError: Error, CustomStringConvertible {
        var description: String
    }

    func run() async {
        var logger = ctx.logger
        logger[metadataKey: "path"] = "\(path)"
        let metrics = TailerMetrics(componentID: ctx.componentID, path: path)
        ctx.positions.setActive(key, true)
        defer {
            ctx.positions.setActive(key, false)
            metrics.destroy()
        }
        try? await Task.sleep(for: decompression.initialDelay)
        if Task.isCancelled { return }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            logger.error("cannot open compressed file", metadata: ["err": "\(path): \(String(cString: strerror(errno)))"])
            return
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            logger.error("cannot tail file", metadata: ["err": "\(path): is not a regular file"])
            return
        }
        let identity = FileIdentity(st)
        var skip: Int64 = 0
        if let p = ctx.positions.position(for: key), p.identity == nil || p.identity == identity { skip = p.offset }
        if ctx.positions.corruption(for: key) != nil {
            if ctx.config.onPositionsError == .skip {
                logger.error("not reading file: its stored position is corrupt and on_positions_file_error is skip")
                return
            }
            skip = 0
        }

        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            logger.error("cannot initialise zlib")
            return
        }
        defer { inflateEnd(&stream) }
        var splitter = LineSplitter(encoding: ctx.config.encoding ?? .utf8, maxLineSize: ctx.config.maxLineSize)
        var input = [UInt8](repeating: 0, count: 64 * 1024)
        var output = [UInt8](repeating: 0, count: 256 * 1024)
        var produced: Int64 = 0   // decompressed bytes so far
        let encoding = ctx.config.encoding ?? .utf8

        func forward(_ entries: [LogEntry], acked: Int64) async {
            if !entries.isEmpty {
                await ctx.forward.send(EntryBatch(entries))
                metrics.readLines.increment(by: entries.count)
            }
            ctx.positions.update(key, Position(offset: acked, identity: identity))
            metrics.readBytes.record(acked)
        }
        func entry(_ raw: UnsafeRawBufferPointer, _ truncated: Bool) -> LogEntry {
            var (line, replaced) = LineDecoder.decode(raw, encoding)
            if line.last == 13 { line.removeLast() }
            if replaced { metrics.encodingFailures.increment() }
            if truncated { metrics.truncatedLines.increment() }
            return LogEntry(timestamp: WallClock.nowNanoseconds(), line: line, labels: labels)
        }

        readLoop: while !Task.isCancelled {
            let n = input.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                logger.error("cannot read compressed file", metadata: ["err": "\(path): \(String(cString: strerror(errno)))"])
                return
            }
            if n == 0 { break }
            var consumedInput = 0
            while consumedInput < n {
                var have = 0
                var status: Int32 = Z_OK
                input.withUnsafeMutableBytes { inRaw in
                    output.withUnsafeMutableBytes { outRaw in
                        stream.next_in = inRaw.baseAddress!.assumingMemoryBound(to: Bytef.self) + consumedInput
                        stream.avail_in = uInt(n - consumedInput)
                        stream.next_out = outRaw.baseAddress!.assumingMemoryBound(to: Bytef.self)
                        stream.avail_out = uInt(outRaw.count)
                        status = inflate(&stream, Z_NO_FLUSH)
                        have = outRaw.count - Int(stream.avail_out)
                        consumedInput = n - Int(stream.avail_in)
                    }
                }
                if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                    logger.error("corrupt compressed file", metadata: ["err": "\(path): zlib status \(status)", "decompressed": "\(produced)"])
                    break readLoop
                }
                if have > 0 {
                    // Skip what was already acknowledged in an earlier run.
                    var start = 0
                    if produced < skip { start = Int(min(Int64(have), skip - produced)) }
                    produced += Int64(have)
                    if start < have {
                        var entries: [LogEntry] = []
                        output.withUnsafeBytes { raw in
                            splitter.feed(UnsafeRawBufferPointer(rebasing: raw[start..<have])) { line, t, _ in entries.append(entry(line, t)) }
                        }
                        await forward(entries, acked: produced - Int64(splitter.pendingBytes))
                    }
                }
                // Concatenated gzip members are one file: start the next member.
                if status == Z_STREAM_END { inflateReset(&stream) }
                if status == Z_BUF_ERROR && have == 0 { break }
            }
        }
        var last: [LogEntry] = []
        splitter.flush { line, t in last.append(entry(line, t)) }
        if !Task.isCancelled { await forward(last, acked: produced) }
        metrics.fileBytes.record(produced)
    }
}
