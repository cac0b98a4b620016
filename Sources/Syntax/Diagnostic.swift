/// A problem found in a configuration file, with the byte range it concerns.
public struct Diagnostic: Sendable, Error, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable { case error = "Error", warning = "Warning" }

    public var severity: Severity
    public var file: SourceFile?
    /// Byte offsets of the first and last byte concerned; -1 when unknown.
    public var start: Int
    public var end: Int
    public var message: String
    /// False for a diagnostic about a secret: the source excerpt, which would show its value, is not printed.
    public var showsSource = true

    public init(_ severity: Severity = .error, file: SourceFile?, start: Int, end: Int? = nil, message: String) {
        self.severity = severity
        self.file = file
        self.start = start
        self.end = end ?? start
        self.message = message
    }

    public var startPosition: Position {
        file?.position(of: start) ?? Position(offset: -1, line: 0, column: 0)
    }

    /// `file:line:col: message`.
    public var description: String {
        let pos = startPosition
        var where_: String
        if file == nil && !pos.isValid {
            return message
        } else if !pos.isValid {
            where_ = "-"
        } else if let name = file?.name, !name.isEmpty {
            where_ = "\(name):\(pos)"
        } else {
            where_ = pos.description
        }
        return "\(where_): \(message)"
    }

    /// The multi-line form used by `run` and `validate`: header, source excerpt and caret(s).
    public func pretty() -> String {
        var out = "\(severity.rawValue): \(description)\n"
        guard let file, start >= 0, showsSource else { return out }
        let s = file.position(of: start), e = file.position(of: max(end, start))
        let lineCount = file.lineStarts.count
        let first = max(1, s.line - 1), last = min(lineCount, e.line + 1)
        let width = String(last).count
        func num(_ n: Int?) -> String {
            guard let n else { return String(repeating: " ", count: width) }
            let t = String(n)
            return String(repeating: " ", count: width - t.count) + t
        }
        func clean(_ bytes: [UInt8]) -> String {
            var o: [UInt8] = []
            for b in bytes where b != 13 {
                if b == 9 || b == 11 { o.append(contentsOf: [32, 32, 32, 32]) } else { o.append(b) }
            }
            return String(decoding: o, as: UTF8.self)
        }
        func marker(_ bytes: [UInt8], from: Int, to: Int, blank: UInt8) -> String {
            var o: [UInt8] = []
            for (i, b) in bytes.enumerated() {
                let col = i + 1
                if col > to { break }
                if b == 9 || b == 11 {
                    o.append(contentsOf: [UInt8](repeating: blank, count: 4))
                } else if b & 0xC0 == 0x80 {
                    continue
                } else {
                    o.append(col >= from ? UInt8(ascii: "^") : blank)
                }
            }
            return String(decoding: o, as: UTF8.self)
        }
        out += "\n"
        let multi = s.line != e.line
        for n in first...max(first, last) where n <= lineCount {
            let text = file.lineText(n)
            if multi {
                let gutter = (n > s.line && n <= e.line) ? "| " : "  "
                out += "\(num(n)) | \(gutter)\(clean(text))\n"
                if n == s.line {
                    out += "\(num(nil)) |  _" + marker(text, from: s.column, to: Int.max, blank: UInt8(ascii: "_")) + "\n"
                } else if n == e.line {
                    out += "\(num(nil)) | |_" + marker(text, from: 1, to: e.column, blank: UInt8(ascii: "_")) + "\n"
                }
            } else {
                out += "\(num(n)) | \(clean(text))\n"
                if n == s.line {
                    out += "\(num(nil)) | " + marker(text, from: s.column, to: e.column, blank: 32) + "\n"
                }
            }
        }
        return out
    }
}

/// A list of diagnostics, itself an error.
public struct Diagnostics: Sendable, Error, CustomStringConvertible {
    public var items: [Diagnostic] = []
    public init(_ items: [Diagnostic] = []) { self.items = items }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    public var isEmpty: Bool { items.isEmpty }

    public mutating func append(_ d: Diagnostic) { items.append(d) }
    public mutating func append(contentsOf other: Diagnostics) { items.append(contentsOf: other.items) }

    public var description: String {
        guard let first = items.first else { return "no diagnostics" }
        if items.count == 1 { return first.description }
        return "\(first.description) (and \(items.count - 1) more diagnostics)"
    }

    /// Every diagnostic in its pretty form, separated by a blank line.
    public func pretty() -> String {
        items.map { $0.pretty() }.joined(separator: "\n")
    }
}
