import Platform
import Codecs
import LogCore
import Synchronization

/// The saved journal cursor of one `loki.source.journal` component, in `<data>/positions.yml`.
///
/// The file has the shape of a Promtail positions file, with the cursor under `cursor-<component id>`:
///
/// ```yaml
/// # tributary journal positions v1
/// positions:
///   "cursor-loki.source.journal.system": "s=8c1f…;i=1a2b;b=…;m=…;t=…;x=…"
/// ```
///
/// The cursor only moves to entries that were acknowledged downstream; the file is rewritten atomically (temporary
/// file, fsync, rename, fsync of the directory) when it changed, by ``sync()``.
public final class JournalCursorStore: Sendable {
    public let path: String
    /// `cursor-<component id>`.
    public let key: String
    private struct State {
        var cursor: String?
        var dirty = false
    }
    private let state: Mutex<State>

    /// Reads `path` (missing is fine). When it holds no cursor and `legacy` names a Promtail positions file, the
    /// cursor Promtail stored under `cursor-<legacy.name>` is taken over.
    public init(path: String, componentID: String, legacy: (file: String, name: String)? = nil) throws(FileIOError) {
        self.path = path
        key = "cursor-" + componentID
        var s = State()
        if let bytes = try FileIO.readIfExists(path) {
            s.cursor = JournalCursorStore.value(of: key, in: bytes)
        }
        if s.cursor == nil, let legacy, let bytes = try FileIO.readIfExists(legacy.file) {
            s.cursor = JournalCursorStore.value(of: "cursor-" + legacy.name, in: bytes)
            s.dirty = s.cursor != nil
        }
        state = Mutex(s)
    }

    /// The cursor of the last acknowledged entry.
    public var cursor: String? { state.withLock { $0.cursor } }

    /// Whether the legacy import or an update has not been written yet.
    public var isDirty: Bool { state.withLock { $0.dirty } }

    /// Records the cursor of an acknowledged entry.
    public func update(_ cursor: String) {
        state.withLock { s in
            if s.cursor != cursor {
                s.cursor = cursor
                s.dirty = true
            }
        }
    }

    /// Writes the file if the cursor changed.
    public func sync() throws(FileIOError) {
        let text = state.withLock { s -> [UInt8]? in
            guard s.dirty, let cursor = s.cursor else { return nil }
            s.dirty = false
            var out = Array("# tributary journal positions v1\npositions:\n  ".utf8)
            JSONString.append(key, to: &out)
            out += Array(": ".utf8)
            JSONString.append(cursor, to: &out)
            out.append(10)
            return out
        }
        guard let text else { return }
        do throws(FileIOError) { try FileIO.writeAtomically(path, text, mode: 0o600, durable: true) } catch {
            state.withLock { $0.dirty = true }
            throw error
        }
    }

    /// The value of `key` in the `positions:` map of a positions file (quoted or plain YAML scalars), or nil.
    static func value(of key: String, in bytes: [UInt8]) -> String? {
        var inPositions = false
        for raw in bytes.split(separator: 10) {
            var line = Substring(String(decoding: raw, as: UTF8.self))
            if line.hasSuffix("\r") { line = line.dropLast() }
            if line.hasPrefix("#") || line.allSatisfy({ $0 == " " }) { continue }
            if !line.hasPrefix(" ") && !line.hasPrefix("\t") {
                inPositions = line.hasPrefix("positions:")
                continue
            }
            guard inPositions else { continue }
            let body = line.drop { $0 == " " || $0 == "\t" }
            guard let (k, rest) = scalar(body), k == key else { continue }
            var after = rest.drop { $0 == " " }
            guard after.first == ":" else { continue }
            after = after.dropFirst().drop { $0 == " " }
            guard let (v, _) = scalar(after), !v.isEmpty else { return nil }
            return v
        }
        return nil
    }

    /// One YAML scalar at the start of `s` (double-quoted, single-quoted or plain up to `: ` or the end) and what
    /// follows it.
    private static func scalar(_ s: Substring) -> (String, Substring)? {
        guard let first = s.first else { return nil }
        if first == "\"" {
            var escaped = false
            var i = s.index(after: s.startIndex)
            while i < s.endIndex {
                let c = s[i]
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { break }
                i = s.index(after: i)
            }
            guard i < s.endIndex, let v = JSONString.unquote(s[s.startIndex...i]) else { return nil }
            return (v, s[s.index(after: i)...])
        }
        if first == "'" {
            guard let end = s.dropFirst().firstIndex(of: "'") else { return nil }
            return (String(s[s.index(after: s.startIndex)..<end]), s[s.index(after: end)...])
        }
        var end = s.endIndex
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == ":" && (s.index(after: i) == s.endIndex || s[s.index(after: i)] == " ") { end = i; break }
            if s[i] == "#" && i > s.startIndex && s[s.index(before: i)] == " " { end = i; break }
            i = s.index(after: i)
        }
        var v = s[s.startIndex..<end]
        while v.last == " " { v = v.dropLast() }
        return (String(v), s[end...])
    }
}
