import Synchronization

/// How far one source stream (a file of a `loki.source.file`, the journal of a `loki.source.journal`) has been
/// read, as a durable receiver commits it together with the entries it covers.
///
/// Invariant: every entry the stream produced before `through` (a file offset) or up to `cursor` (a journal
/// cursor) is in the receiver's log, except those a stage still held; reading resumes at `resume`, the start of
/// the earliest held entry (or `through` when nothing is held), and lines before `through` are re-read only to
/// rebuild held entries (they are marked `replayed`).
public struct SourceMark: Sendable, Equatable {
    /// The stream: `<component id>` and, for a file, its path and target labels.
    public var key: String
    /// The file's device and inode (0 for the journal): offsets apply to this file only.
    public var device: UInt64
    public var inode: UInt64
    public var resume: Int64
    public var through: Int64
    /// The journal cursor of the last entry delivered ("" for files).
    public var cursor: String
    /// When the mark was made (Unix seconds): marks of streams idle for long are forgotten.
    public var made: Int64

    public init(key: String, device: UInt64 = 0, inode: UInt64 = 0, resume: Int64 = 0, through: Int64 = 0,
                cursor: String = "", made: Int64) {
        self.key = key
        self.device = device
        self.inode = inode
        self.resume = resume
        self.through = through
        self.cursor = cursor
        self.made = made
    }
}

/// A batch's claim to move its source stream's mark: `mark()` is asked at the moment the receiver commits the
/// batch (after the stages in between ran, so the held entries are known), nil when nothing may be committed yet.
public final class SourceProgress: Sendable {
    public let key: String
    private let make: @Sendable () -> SourceMark?

    public init(key: String, mark: @escaping @Sendable () -> SourceMark?) {
        self.key = key
        self.make = mark
    }

    public func mark() -> SourceMark? { make() }
}

/// The marks the durable receivers of one agent recovered from their logs at start, for sources to resume from.
///
/// With several durable receivers of one stream (fan-out to two `loki.write`), a source resumes from the mark
/// furthest behind, so that none misses an entry.
public final class SourceLedger: Sendable {
    private let marks = Mutex<[String: [String: SourceMark]]>([:])

    public init() {}

    /// Records what receiver `receiver` recovered (replacing what it published before).
    public func publish(receiver: String, _ recovered: [String: SourceMark]) {
        marks.withLock { m in
            for (key, mark) in recovered { m[key, default: [:]][receiver] = mark }
        }
    }

    /// The recovered marks of `key`, one per receiver that has one.
    public func marks(for key: String) -> [SourceMark] {
        marks.withLock { m in m[key].map { Array($0.values) } ?? [] }
    }
}
