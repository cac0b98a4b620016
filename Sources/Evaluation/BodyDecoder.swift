import Syntax

/// Decodes the attributes and blocks of a component's body into Swift values, collecting every error
/// (unknown names, missing required ones, wrong types) as diagnostics that name the position.
public struct BodyDecoder: Sendable {
    public let evaluator: Evaluator
    let body: [Statement]
    /// Where "missing required" errors point: the block name.
    let anchor: (start: Int, end: Int)
    private var consumedAttributes: Set<String> = []
    private var consumedBlocks: Set<String> = []
    public private(set) var diagnostics = Diagnostics()
    /// Where the attributes decoded as secrets are (their name offsets): what shows a component's arguments
    /// shows `(secret)` there.
    public private(set) var secretAttributes: Set<Int> = []

    public init(evaluator: Evaluator, body: [Statement], anchor: (start: Int, end: Int)) {
        self.evaluator = evaluator
        self.body = body
        self.anchor = anchor
    }

    private var source: SourceFile { evaluator.source }

    /// Records a diagnostic about this body (e.g. a validation rule between arguments).
    public mutating func error(_ message: String, attribute: String? = nil) {
        if let attribute, let a = findAttribute(attribute) {
            diagnostics.append(Diagnostic(file: source, start: a.nameOffset, end: a.value.end, message: message))
        } else {
            diagnostics.append(Diagnostic(file: source, start: anchor.start, end: anchor.end, message: message))
        }
    }

    public mutating func warning(_ message: String, attribute: String? = nil) {
        var d = Diagnostic(.warning, file: source, start: anchor.start, end: anchor.end, message: message)
        if let attribute, let a = findAttribute(attribute) {
            d.start = a.nameOffset
            d.end = a.value.end
        }
        diagnostics.append(d)
    }

    private func findAttribute(_ name: String) -> Attribute? {
        for s in body {
            if case .attribute(let a) = s, a.name == name { return a }
        }
        return nil
    }

    /// The source text of the body's blocks, for telling whether they are written as before; nil when an expression
    /// in them names anything (another component's export, a standard library function), whose value may change
    /// while the text stays the same.
    public var blocksFingerprint: String? {
        var named = false
        let blocks = body.filter { if case .block = $0 { return true } else { return false } }
        forEachTraversal(in: blocks) { _, _ in named = true }
        if named { return nil }
        var text: [UInt8] = []
        let bytes = evaluator.source.bytes
        for case .block(let b) in blocks { text += bytes[b.nameOffset..<min(b.rcurly + 1, bytes.count)]; text.append(10) }
        return String(decoding: text, as: UTF8.self)
    }

    /// Marks an attribute as read elsewhere (evaluated later, in a scope this decoder does not have), so that
    /// ``finish()`` does not call it unknown.
    public mutating func evaluatedLater(_ name: String) { consumedAttributes.insert(name) }

    /// The names of the body's attributes, in order (for bodies whose attribute names are not fixed, such as a
    /// custom component's arguments).
    public var attributeNames: [String] { body.compactMap { if case .attribute(let a) = $0 { return a.name } else { return nil } } }

    /// Whether the attribute is written in the body.
    public func has(_ name: String) -> Bool { findAttribute(name) != nil }

    /// Decodes an optional attribute; nil when it is absent or wrong (then a diagnostic is recorded).
    public mutating func optional<T: AlloyDecodable>(_ name: String, as: T.Type = T.self) -> T? {
        consumedAttributes.insert(name)
        var found: [Attribute] = []
        for s in body {
            switch s {
            case .attribute(let a) where a.name == name: found.append(a)
            case .block(let b) where b.fullName == name:
                diagnostics.append(Diagnostic(file: source, start: b.nameOffset, end: b.rcurly,
                                              message: "\"\(name)\" must be an attribute, but is used as a block"))
            default: break
            }
        }
        guard let a = found.first else { return nil }
        if T.self is any SecretBearing.Type { secretAttributes.insert(a.nameOffset) }
        if found.count > 1 {
            diagnostics.append(Diagnostic(file: source, start: found[1].nameOffset, end: found[1].value.end,
                                          message: "attribute \"\(name)\" may only be provided once"))
        }
        let value: Value
        do throws(Diagnostic) { value = try evaluator.evaluate(a.value) } catch {
            diagnostics.append(error)
            return nil
        }
        do throws(ValueError) { return try T.decode(value) } catch {
            // A secret's text is never repeated: not in the message, not in a source excerpt.
            if T.self == Secret.self {
                var d = evaluator.plain(a.value, "(secret)\(error.path) \(error.message)")
                d.showsSource = false
                diagnostics.append(d)
            } else {
                diagnostics.append(evaluator.fail(a.value, error))
            }
            return nil
        }
    }

    /// Decodes an attribute with a default.
    public mutating func attribute<T: AlloyDecodable>(_ name: String, default value: T) -> T {
        optional(name, as: T.self) ?? value
    }

    /// Reads an attribute into `value` when the body writes it; otherwise `value` keeps what it holds, so a module's
    /// configuration struct is the one place its defaults are written.
    public mutating func read<T: AlloyDecodable>(_ name: String, into value: inout T) {
        if let v = optional(name, as: T.self) { value = v }
    }

    /// Reads a base-2 size attribute (`"1MiB"`) into a byte count, keeping `value` when the body does not write it.
    public mutating func readSize<I: FixedWidthInteger>(_ name: String, into value: inout I) {
        guard let v = optional(name, as: ByteSize.self) else { return }
        guard let bytes = I(exactly: v.bytes) else {
            error("\(name) is out of range", attribute: name)
            return
        }
        value = bytes
    }

    /// Decodes a required attribute; records `missing required attribute` when absent.
    public mutating func required<T: AlloyDecodable>(_ name: String, as: T.Type = T.self) -> T {
        if !has(name) {
            consumedAttributes.insert(name)
            error("missing required attribute \"\(name)\"")
            return T.zero
        }
        return optional(name, as: T.self) ?? T.zero
    }

    /// Every nested block of this name, in order.
    public mutating func blocks(_ name: String) -> [BodyDecoder] {
        consumedBlocks.insert(name)
        var out: [BodyDecoder] = []
        for s in body {
            switch s {
            case .block(let b) where b.fullName == name:
                if !b.label.isEmpty || b.labelOffset >= 0 {
                    diagnostics.append(Diagnostic(file: source, start: b.nameOffset, end: b.lcurly,
                                                  message: "block \"\(name)\" does not support specifying labels"))
                }
                out.append(BodyDecoder(evaluator: evaluator, body: b.body, anchor: (b.nameOffset, b.lcurly)))
            case .attribute(let a) where a.name == name:
                diagnostics.append(Diagnostic(file: source, start: a.nameOffset, end: a.value.end,
                                              message: "\"\(name)\" must be a block, but is used as an attribute"))
            default: break
            }
        }
        return out
    }

    /// The nested block of this name if present; more than one is an error.
    public mutating func block(_ name: String) -> BodyDecoder? {
        let all = blocks(name)
        if all.count > 1 {
            diagnostics.append(Diagnostic(file: source, start: all[1].anchor.start, end: all[1].anchor.end,
                                          message: "block \"\(name)\" may only be specified once"))
        }
        return all.first
    }

    /// The nested blocks whose names start with `prefix` (e.g. `stage.`), in order, with their full names.
    public mutating func blocks(withPrefix prefix: String) -> [(name: String, body: BodyDecoder)] {
        var out: [(String, BodyDecoder)] = []
        for s in body {
            if case .block(let b) = s, b.fullName.hasPrefix(prefix) {
                consumedBlocks.insert(b.fullName)
                out.append((b.fullName, BodyDecoder(evaluator: evaluator, body: b.body, anchor: (b.nameOffset, b.lcurly))))
            }
        }
        return out
    }

    /// Merges the diagnostics of a nested block decoder (after its own `finish()`).
    public mutating func absorb(_ nested: inout BodyDecoder) {
        nested.finish()
        diagnostics.append(contentsOf: nested.diagnostics)
        nested.diagnostics = Diagnostics()
        secretAttributes.formUnion(nested.secretAttributes)
    }

    /// Reports every attribute or block that was not asked for.
    public mutating func finish() {
        var candidatesA = Array(consumedAttributes)
        candidatesA.sort()
        for s in body {
            switch s {
            case .attribute(let a) where !consumedAttributes.contains(a.name):
                var msg = "unrecognized attribute name \"\(a.name)\""
                if let s = suggestion(for: a.name, among: candidatesA) { msg += "; did you mean \"\(s)\"?" }
                diagnostics.append(Diagnostic(file: source, start: a.nameOffset, end: a.nameOffset + a.name.utf8.count - 1, message: msg))
            case .block(let b) where !consumedBlocks.contains(b.fullName):
                var msg = "unrecognized block name \"\(b.fullName)\""
                if let s = suggestion(for: b.fullName, among: Array(consumedBlocks).sorted()) { msg += "; did you mean \"\(s)\"?" }
                diagnostics.append(Diagnostic(file: source, start: b.nameOffset, end: b.nameOffset + b.fullName.utf8.count - 1, message: msg))
            default: break
            }
        }
        consumedAttributes = Set(body.compactMap { if case .attribute(let a) = $0 { return a.name } else { return nil } })
        consumedBlocks = Set(body.compactMap { if case .block(let b) = $0 { return b.fullName } else { return nil } })
    }
}

/// The closest candidate within a small edit distance, for "did you mean" hints.
public func suggestion(for name: String, among candidates: [String]) -> String? {
    var best: (String, Int)? = nil
    let limit = max(2, name.count / 3)
    for c in candidates where c != name {
        let d = editDistance(Array(name.utf8), Array(c.utf8))
        if d <= limit, best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
}

func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}
