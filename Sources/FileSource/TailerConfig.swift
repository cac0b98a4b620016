import LogCore
/// What a tailer does at its start when the stored position cannot be read.
public enum PositionsErrorPolicy: String, Sendable {
    case skip
    case restartFromEnd = "restart_from_end"
    case restartFromBeginning = "restart_from_beginning"
}

/// Compressed rotated files (`decompression` block).
public struct DecompressionConfig: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable { case gz, z, bz2 }
    public var format: Format
    public var initialDelay: Duration
    public init(format: Format, initialDelay: Duration) {
        self.format = format
        self.initialDelay = initialDelay
    }
}

/// How the tailers of one component read their files.
public struct TailerConfig: Sendable, Equatable {
    /// Poll interval at EOF starts here after activity and doubles up to `maxPoll`.
    public var minPoll: Duration = .milliseconds(250)
    public var maxPoll: Duration = .milliseconds(250)
    /// With an inotify watch on the file's directory, changes wake the tailer at once and polling is only a safety
    /// net: an idle tailer then polls this often (or at `maxPoll` when that is longer), instead of four times a
    /// second per file.
    public var watchedPoll: Duration = .seconds(5)
    /// Lines longer than this many bytes are truncated (0 = unlimited).
    public var maxLineSize = 256 * 1024
    /// An unterminated last line is forwarded after the file has been idle this long (nil = only at rotation).
    public var partialLineIdleTimeout: Duration? = nil
    /// A file that has not grown for this long has its descriptor closed; it is reopened (by identity) on growth.
    public var idleClose: Duration = .seconds(30)
    /// After a rotation, late writes to the old file are read for this long before it is released.
    public var rotationGrace: Duration = .milliseconds(500)
    public var tailFromEnd = false
    /// nil: UTF-8 unless a byte-order mark says otherwise.
    public var encoding: TextEncoding? = nil
    public var onPositionsError: PositionsErrorPolicy = .restartFromBeginning
    public var decompression: DecompressionConfig? = nil
    public var readBufferSize = 128 * 1024

    public init() {}

    /// What is wrong with these settings, by attribute of the `loki.source.file` block.
    public var problems: [ConfigProblem] {
        maxLineSize < 0 ? [ConfigProblem("max_line_size must not be negative", attribute: "max_line_size")] : []
    }

    /// What is wrong with the polling settings (the `file_watch` block).
    public var pollProblems: [ConfigProblem] {
        minPoll <= .zero || maxPoll <= .zero ? [ConfigProblem("poll frequencies must be greater than 0")] : []
    }

    /// The settings with polling kept in range: at least 1 ms, and the minimum no larger than the maximum.
    public var withPollsInRange: TailerConfig {
        var c = self
        c.maxPoll = max(maxPoll, .milliseconds(1))
        c.minPoll = min(max(minPoll, .milliseconds(1)), c.maxPoll)
        return c
    }
}
