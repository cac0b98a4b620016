/// A configuration file's name and bytes, with the offsets of its line starts so that a byte offset can be
/// turned into a line and column only when a position is reported.
public final class SourceFile: Sendable {
    public let name: String
    public let bytes: [UInt8]
    /// Offsets at which each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    public convenience init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// The line (from 1) and column (byte offset within the line, from 1) of `offset`.
    public func position(of offset: Int) -> Position {
        if offset < 0 { return Position(offset: -1, line: 0, column: 0) }
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return Position(offset: offset, line: lo + 1, column: offset - lineStarts[lo] + 1)
    }

    /// The 1-based line containing `offset`.
    public func line(of offset: Int) -> Int { position(of: offset).line }

    /// The text of line `n` (1-based), without its line feed.
    public func lineText(_ n: Int) -> [UInt8] {
        guard n >= 1, n <= lineStarts.count else { return [] }
        let start = lineStarts[n - 1]
        let end = n < lineStarts.count ? lineStarts[n] - 1 : bytes.count
        return Array(bytes[start..<max(start, end)])
    }
}

/// A resolved source position: byte offset, line from 1, column (bytes within the line) from 1.
public struct Position: Sendable, Hashable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int
    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }
    public var isValid: Bool { line > 0 }
    public var description: String {
        if line <= 0 { return "-" }
        return column > 0 ? "\(line):\(column)" : "\(line)"
    }
}
