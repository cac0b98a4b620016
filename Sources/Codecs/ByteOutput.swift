/// Where the byte-level encoders write: a `[UInt8]`, or a raw buffer of a module's own that conforms.
/// The encoders are generic and inlinable, so each output type gets its own specialised copy on the hot path.
public protocol ByteOutput {
    mutating func write(_ byte: UInt8)
    mutating func write(_ bytes: UnsafeRawBufferPointer)
    /// Two bytes (most escapes are two); an output can do it with one capacity check.
    mutating func write(_ a: UInt8, _ b: UInt8)
}

extension ByteOutput {
    /// Two bytes, one after the other.
    @inlinable
    public mutating func write(_ a: UInt8, _ b: UInt8) {
        write(a)
        write(b)
    }
}

extension Array: ByteOutput where Element == UInt8 {
    @inlinable
    public mutating func write(_ byte: UInt8) { append(byte) }

    @inlinable
    public mutating func write(_ bytes: UnsafeRawBufferPointer) { append(contentsOf: bytes) }
}

/// The lower-case hexadecimal digit of a value below 16, for the escapers.
@inlinable
func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }
