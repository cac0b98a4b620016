import Codecs
import Foundation

/// A growable byte buffer written through raw pointers: appends are `memcpy`s with one capacity check, which
/// is what building a multi-megabyte push body a few bytes at a time needs. Not shared across tasks.
final class ByteWriter {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(64, capacity)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: c, alignment: 16)
        fresh.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = fresh
        capacity = c
    }

    @inline(__always)
    func write(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    func write(_ a: UInt8, _ b: UInt8) {
        reserve(2)
        base.storeBytes(of: a, toByteOffset: count, as: UInt8.self)
        base.storeBytes(of: b, toByteOffset: count + 1, as: UInt8.self)
        count += 2
    }

    @inline(__always)
    func write(_ raw: UnsafeRawBufferPointer) {
        guard raw.count > 0 else { return }
        reserve(raw.count)
        (base + count).copyMemory(from: raw.baseAddress!, byteCount: raw.count)
        count += raw.count
    }

    func write(_ text: StaticString) {
        write(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A copy of the written bytes.
    var array: [UInt8] { [UInt8](bytes) }
}

extension ByteWriter {
    /// Counts `n` bytes already stored past the end (after `reserve`) as written.
    @inline(__always)
    func skip(_ n: Int) { count += n }
}

extension ByteWriter: ByteOutput {}
