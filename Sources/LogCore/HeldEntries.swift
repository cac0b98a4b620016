import Synchronization

/// Counts the entries of one source that a downstream stage holds past the batch that brought them (a CRI partial
/// line waiting for its end, a multiline block waiting for its next first line). The source keeps its saved
/// position from before such an entry until nothing is held, so a crash re-reads the held lines rather than
/// losing them (at the price of re-sending the lines read after them).
public final class HeldEntries: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    /// Whether any entry is held now.
    public var isHolding: Bool { count.load(ordering: .acquiring) > 0 }

    fileprivate func hold() { count.add(1, ordering: .releasing) }
    fileprivate func release() { count.subtract(1, ordering: .releasing) }
}

/// One held entry's claim on its source's `HeldEntries`, released when the token goes away: after the entry was
/// forwarded and acknowledged (the stage's component keeps the token alive until then), or when it was dropped.
public final class HoldToken: Sendable {
    private let held: HeldEntries

    public init(_ held: HeldEntries) {
        self.held = held
        held.hold()
    }

    deinit { held.release() }
}
