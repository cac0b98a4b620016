import Synchronization

/// The entries of one source that a downstream stage holds past the batch that brought them (a CRI partial line
/// waiting for its end, a multiline block waiting for its next first line), by where each starts in the source.
///
/// The source's committed position keeps the earliest of those origins as the point to resume from after a
/// crash: the held lines are read again to rebuild the entry, and the lines after them that were delivered are
/// marked `replayed` so that they are not delivered twice.
public final class HeldEntries: Sendable {
    private let count = Atomic<Int>(0)
    private let origins = Mutex<[Int64: Int]>([:])

    public init() {}

    /// Whether any entry is held now.
    public var isHolding: Bool { count.load(ordering: .acquiring) > 0 }

    /// The earliest origin of a held entry (nil when nothing is held, or no held entry has an origin).
    public var earliestOrigin: Int64? {
        guard isHolding else { return nil }
        return origins.withLock { $0.keys.min() }
    }

    fileprivate func hold(_ origin: Int64) {
        if origin >= 0 { origins.withLock { $0[origin, default: 0] += 1 } }
        count.add(1, ordering: .releasing)
    }

    fileprivate func release(_ origin: Int64) {
        if origin >= 0 {
            origins.withLock { o in
                if let n = o[origin], n > 1 { o[origin] = n - 1 } else { o[origin] = nil }
            }
        }
        count.subtract(1, ordering: .releasing)
    }
}

/// One held entry's claim on its source's `HeldEntries`, released when the token goes away: after the entry was
/// forwarded and acknowledged (the stage's component keeps the token alive until then), or when it was dropped.
public final class HoldToken: Sendable {
    private let held: HeldEntries
    /// Where the held entry's first line starts in the source (-1: unknown).
    public let origin: Int64

    public init(_ held: HeldEntries, origin: Int64 = -1) {
        self.held = held
        self.origin = origin
        held.hold(origin)
    }

    deinit { held.release(origin) }
}
