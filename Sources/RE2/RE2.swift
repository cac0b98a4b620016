import CRE2

/// A regular expression in RE2 syntax — exactly what Go, Prometheus and Alloy accept — compiled once.
/// Matching is linear in the input and safe from any thread.
public final class RE2: @unchecked Sendable {
    /// An invalid pattern, with RE2's message.
    public struct CompileError: Error, CustomStringConvertible, Sendable {
        public var pattern: String
        public var message: String
        public var description: String { "error parsing regexp: \(message): `\(pattern)`" }
        public init(pattern: String, message: String) {
            self.pattern = pattern
            self.message = message
        }
    }

    private let handle: OpaquePointer
    /// The pattern as written in the configuration.
    public let pattern: String
    public let groupCount: Int
    /// Name of each capturing group (index 0 is the whole match and has none).
    public let groupNames: [String?]

    /// Compiles `pattern`. Go's `(?<name>…)` groups are accepted as `(?P<name>…)`.
    public init(_ pattern: String) throws(CompileError) {
        self.pattern = pattern
        let translated = RE2.translateGoSyntax(pattern)
        var err = [CChar](repeating: 0, count: 512)
        let bytes = Array(translated.utf8)
        guard let h = bytes.withUnsafeBufferPointer({ b in
            b.withMemoryRebound(to: CChar.self) { tr_regex_new($0.baseAddress, $0.count, &err, err.count) }
        }) else {
            throw CompileError(pattern: pattern, message: String(decoding: err.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        handle = h
        groupCount = Int(tr_regex_groups(h))
        groupNames = (0...groupCount).map { i in tr_regex_group_name(h, Int32(i)).map { String(cString: $0) } }
    }

    /// Compiles `pattern` so that it must match a whole value, as relabel rules do: `^(?s:pattern)$`.
    public static func anchored(_ pattern: String) throws(CompileError) -> RE2 {
        let re = try RE2("^(?s:" + pattern + ")$")
        return re
    }

    deinit { tr_regex_free(handle) }

    static func translateGoSyntax(_ p: String) -> String {
        let b = Array(p.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count + 4)
        var i = 0
        while i < b.count {
            if b[i] == 92, i + 1 < b.count {  // keep escapes as they are
                out += [b[i], b[i + 1]]
                i += 2
                continue
            }
            if b[i] == 40, i + 3 < b.count, b[i + 1] == 63, b[i + 2] == 60, b[i + 3] != 61, b[i + 3] != 33 {
                out += [40, 63, 80, 60]   // (?< → (?P<
                i += 3
                continue
            }
            out.append(b[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Byte ranges of the whole match and each group (nil for groups that did not take part).
    public typealias Groups = [Range<Int>?]

    /// The first match in `text` at or after `start`; `anchor`: 0 anywhere, 1 at `start`, 2 whole text.
    public func match(_ text: UnsafeRawBufferPointer, from start: Int = 0, anchor: Int32 = 0, groups: Int? = nil) -> Groups? {
        let nsub = min(groups ?? (groupCount + 1), groupCount + 1)
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * max(nsub, 1)) { o -> Groups? in
            let ok = text.withMemoryRebound(to: CChar.self) { t in
                tr_regex_match(handle, t.baseAddress, t.count, start, anchor, o.baseAddress, Int32(nsub))
            }
            guard ok == 1 else { return nil }
            if nsub == 0 { return [] }
            return (0..<nsub).map { i in o[2 * i] < 0 ? nil : o[2 * i]..<o[2 * i + 1] }
        }
    }

    /// Whether the pattern matches anywhere in `text`.
    public func matches(_ text: UnsafeRawBufferPointer) -> Bool { match(text, groups: 0) != nil }

    public func matches(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }

    /// Whether the pattern matches the whole of `text`.
    public func fullMatch(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { match(UnsafeRawBufferPointer($0), anchor: 2, groups: 0) != nil }
    }

    /// The groups of the first match in `text` (as strings; nil for groups that did not take part).
    public func firstMatch(_ text: String) -> [String?]? {
        var t = text
        return t.withUTF8 { buf -> [String?]? in
            let raw = UnsafeRawBufferPointer(buf)
            guard let g = match(raw) else { return nil }
            return g.map { r in r.map { String(decoding: raw[$0], as: UTF8.self) } }
        }
    }

    /// Every non-overlapping match in `text`, as Go's `FindAllSubmatchIndex` returns them.
    public func allMatches(_ text: UnsafeRawBufferPointer) -> [Groups] {
        var out: [Groups] = []
        var pos = 0
        var prevEnd = -1
        while pos <= text.count, let g = match(text, from: pos) {
            let whole = g[0]!
            if whole.isEmpty && whole.lowerBound == prevEnd {
                // An empty match right after the previous match is not reported (Go semantics).
                if pos >= text.count { break }
                pos += 1
                continue
            }
            out.append(g)
            prevEnd = whole.upperBound
            pos = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
        }
        return out
    }

    /// Go's `Regexp.Expand`: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown or unmatched groups expand to "".
    public func expand(_ template: String, source: UnsafeRawBufferPointer, groups: Groups, into out: inout [UInt8]) {
        let t = Array(template.utf8)
        var i = 0
        func isNameByte(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        while i < t.count {
            let c = t[i]
            guard c == 36, i + 1 < t.count else {
                out.append(c)
                i += 1
                continue
            }
            var name: ArraySlice<UInt8>
            var next: Int
            if t[i + 1] == 36 {
                out.append(36)
                i += 2
                continue
            } else if t[i + 1] == 123 {
                guard let close = t[(i + 2)...].firstIndex(of: 125), close > i + 2,
                      t[(i + 2)..<close].allSatisfy(isNameByte) else {
                    out.append(c)
                    i += 1
                    continue
                }
                name = t[(i + 2)..<close]
                next = close + 1
            } else {
                var j = i + 1
                while j < t.count && isNameByte(t[j]) { j += 1 }
                if j == i + 1 {
                    out.append(c)
                    i += 1
                    continue
                }
                name = t[(i + 1)..<j]
                next = j
            }
            i = next
            var index: Int? = nil
            if name.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                index = Int(String(decoding: name, as: UTF8.self))
            } else {
                let n = String(decoding: name, as: UTF8.self)
                index = groupNames.firstIndex { $0 == n }
            }
            if let index, index < groups.count, let r = groups[index] {
                out.append(contentsOf: source[r])
            }
        }
    }

    /// `expand` for String inputs.
    public func expand(_ template: String, source: String, groups: Groups) -> String {
        var s = source
        var out: [UInt8] = []
        s.withUTF8 { expand(template, source: UnsafeRawBufferPointer($0), groups: groups, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
