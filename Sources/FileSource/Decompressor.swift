import CBzip2
import CZlib

/// What one decompression step did.
enum DecompressStep {
    /// Some input consumed and/or output produced; call again.
    case progress
    /// The end of one compressed stream; more input may start another (concatenated members are one file).
    case streamEnd
    /// The data is corrupt: the library's message.
    case corrupt(String)
}

/// A streaming decompressor over a C library's state: input in, decompressed bytes out.
protocol Decompressor: AnyObject {
    /// Decompresses from `input` into `output`; says how much of each was used.
    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) -> (consumed: Int, produced: Int, DecompressStep)
    /// Starts over for the next stream of a concatenated file.
    func reset()
}

extension DecompressionConfig.Format {
    /// A decompressor for the format, or nil when the library cannot be initialised.
    func makeDecompressor() -> Decompressor? {
        switch self {
        case .gz, .z: return ZlibDecompressor()
        case .bz2: return Bzip2Decompressor()
        }
    }
}

/// zlib's inflate with automatic gzip/zlib header detection (`gz` and `z`).
final class ZlibDecompressor: Decompressor {
    private var stream = z_stream()

    init?() {
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
    }
    deinit { inflateEnd(&stream) }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) -> (consumed: Int, produced: Int, DecompressStep) {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(output.count)
        let status = inflate(&stream, Z_NO_FLUSH)
        let consumed = input.count - Int(stream.avail_in), produced = output.count - Int(stream.avail_out)
        switch status {
        case Z_OK, Z_BUF_ERROR: return (consumed, produced, .progress)
        case Z_STREAM_END: return (consumed, produced, .streamEnd)
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
            return (consumed, produced, .corrupt("zlib: \(message)"))
        }
    }

    func reset() { inflateReset(&stream) }
}

/// libbz2's decompressor (`bz2`); a file of several concatenated streams (pbzip2) is read whole, as Go's reader
/// reads it.
final class Bzip2Decompressor: Decompressor {
    private var stream = bz_stream()
    private var open = false

    init?() {
        guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else { return nil }
        open = true
    }
    deinit { if open { BZ2_bzDecompressEnd(&stream) } }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) -> (consumed: Int, produced: Int, DecompressStep) {
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: CChar.self))
        stream.avail_in = UInt32(input.count)
        stream.next_out = output.baseAddress?.assumingMemoryBound(to: CChar.self)
        stream.avail_out = UInt32(output.count)
        let status = BZ2_bzDecompress(&stream)
        let consumed = input.count - Int(stream.avail_in), produced = output.count - Int(stream.avail_out)
        switch status {
        case BZ_OK: return (consumed, produced, .progress)
        case BZ_STREAM_END: return (consumed, produced, .streamEnd)
        case BZ_DATA_ERROR, BZ_DATA_ERROR_MAGIC: return (consumed, produced, .corrupt("bzip2: data integrity error (status \(status))"))
        default: return (consumed, produced, .corrupt("bzip2: status \(status)"))
        }
    }

    func reset() {
        if open { BZ2_bzDecompressEnd(&stream) }
        stream = bz_stream()
        open = BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK
    }
}
