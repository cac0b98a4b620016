import LogCore

/// `stage.pattern`: Loki's pattern parser (`<ip> - - [<_>] "<method> <path> <_>"`). Literals must follow one
/// another in the line; each `<name>` captures what lies before the next literal (the last one, the rest of the
/// line; when a literal is missing, the capture before it takes the rest and matching stops), `<_>` skips. A line
/// that does not start with the pattern's leading literal does not match. Captures go to the extracted map, and to
/// labels with `labels_from_groups`.
final class PatternStage: EntryStage {
    /// A parsed pattern: literals and captures (nil name: `<_>`), never two captures in a row.
    enum Node: Equatable {
        case literal([UInt8])
        case capture(String?)
    }

    let nodes: [Node]
    let source: String?
    let labelsFromGroups: Bool
    var extractedKeysRead: Set<String>? { source.map { [$0] } ?? [] }

    init(_ a: inout some StageArguments) {
        let pattern = a.requiredString("pattern")
        source = a.string("source")
        labelsFromGroups = a.bool("labels_from_groups") ?? false
        if a.has("source") && source == "" { a.error("source cannot be empty", attribute: "source") }
        switch PatternStage.parse(pattern) {
        case .success(let nodes): self.nodes = nodes
        case .failure(let problem):
            a.error("failed to parse pattern: \(problem.message)", attribute: "pattern")
            nodes = []
        }
    }

    struct ParseError: Error { var message: String }

    /// Parses a pattern as Loki does: `<identifier>` and `<_>` are captures, everything else is literal text.
    static func parse(_ pattern: String) -> Result<[Node], ParseError> {
        if pattern.isEmpty { return .failure(ParseError(message: "pattern is required")) }
        let b = Array(pattern.utf8)
        var nodes: [Node] = []
        var literal: [UInt8] = []
        var i = 0
        func isStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        func isPart(_ c: UInt8) -> Bool { isStart(c) || (c >= 48 && c <= 57) }
        while i < b.count {
            if b[i] == 60, i + 1 < b.count, isStart(b[i + 1]) {
                var j = i + 2
                while j < b.count && isPart(b[j]) { j += 1 }
                if j < b.count && b[j] == 62 {
                    if !literal.isEmpty { nodes.append(.literal(literal)); literal = [] }
                    let name = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                    nodes.append(.capture(name == "_" ? nil : name))
                    i = j + 1
                    continue
                }
            }
            literal.append(b[i])
            i += 1
        }
        if !literal.isEmpty { nodes.append(.literal(literal)) }
        let names = nodes.compactMap { if case .capture(let n?) = $0 { return n } else { return nil } }
        if names.isEmpty { return .failure(ParseError(message: "at least one capture is required")) }
        for k in 0..<max(0, nodes.count - 1) {
            if case .capture(let a) = nodes[k], case .capture(let b) = nodes[k + 1] {
                return .failure(ParseError(message: "found consecutive capture '<\(a ?? "_")><\(b ?? "_")>'"))
            }
        }
        var seen = Set<String>()
        for n in names where !seen.insert(n).inserted {
            return .failure(ParseError(message: "duplicate capture name (\(n))"))
        }
        return .success(nodes)
    }

    /// The named captures of `line` in pattern order (fewer when matching stopped early), or nil for no match.
    static func match(_ nodes: [Node], _ line: [UInt8]) -> [(String, [UInt8])]? {
        guard !line.isEmpty, !nodes.isEmpty else { return nil }
        var rest = line[...]
        var expr = nodes[...]
        if case .literal(let l) = expr.first! {
            guard rest.starts(with: l) else { return nil }
            rest = rest.dropFirst(l.count)
            expr = expr.dropFirst()
        }
        if expr.isEmpty { return nil }
        var out: [(String, [UInt8])] = []
        while let node = expr.first {
            guard case .capture(let name) = node else { return out }
            expr = expr.dropFirst()
            guard let next = expr.first, case .literal(let l) = next else {
                if let name { out.append((name, Array(rest))) }
                return out
            }
            expr = expr.dropFirst()
            guard let at = rest.firstRange(of: l) else {
                if let name { out.append((name, Array(rest))) }
                return out
            }
            if let name { out.append((name, Array(rest[..<at.lowerBound]))) }
            rest = rest[at.upperBound...]
        }
        return out
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        guard !nodes.isEmpty else { return nil }
        let text: [UInt8]
        if let source {
            guard let v = e.extracted[source]?.stringValue else { return nil }
            text = Array(v.utf8)
        } else {
            text = e.entry.line
        }
        guard let captures = PatternStage.match(nodes, text) else { return nil }
        for (name, bytes) in captures {
            let value = String(decoding: bytes, as: UTF8.self)
            e.extracted[name] = .string(value)
            if labelsFromGroups { e.entry.labels[name] = value }
        }
        return nil
    }
}
