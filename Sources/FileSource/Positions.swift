import Codecs
import LogCore
#if canImport(Glibc)
import Glibc
#endif

/// Identifies a file independently of its name: device and inode.
public struct FileIdentity: Sendable, Hashable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64
    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
    init(_ st: stat) { self.init(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)) }
    public var description: String { "\(device):\(inode)" }
}

/// Where reading of one (path, labels) target stands in the file with the given identity: `offset` is where
/// reading resumes, `through` the end of the last acknowledged line. They differ while a stage holds an entry
/// (a CRI partial line, a multiline block): reading resumes at its start, and the lines up to `through`, which
/// were delivered, are re-read only to rebuild it.
public struct Position: Sendable, Hashable {
    public var offset: Int64
    public var identity: FileIdentity?
    public var through: Int64
    public init(offset: Int64, identity: FileIdentity?, through: Int64? = nil) {
        self.offset = offset
        self.identity = identity
        self.through = max(offset, through ?? offset)
    }
}

/// The key of a positions entry: the file path and the label set of its target (without `filename`).
public struct PositionKey: Sendable, Hashable {
    public var path: String
    public var labels: String
    public init(path: String, labels: String) {
        self.path = path
        self.labels = labels
    }
}

/// An entry of the positions file that could not be read, with the reason.
public struct CorruptPosition: Sendable {
    public var key: PositionKey?
    public var line: Int
    public var reason: String
}

/// The positions file of one `loki.source.file` component.
///
/// Format (`positions.yml`, YAML that any YAML reader accepts; values in Go/JSON double-quoted form):
///
/// ```yaml
/// # tributary positions v1
/// positions:
///   - path: "/var/log/pods/ns_pod_uid/app/0.log"
///     labels: "{job=\"pods\"}"
///     offset: 48213
///     through: 48790      # only while a stage holds an entry that starts at `offset`
///     device: 2049
///     inode: 1835041
/// ```
///
/// Written atomically (temporary file, fsync, rename, fsync of the directory) whenever it changed, at most once
/// per sync interval and at shutdown. Entries that cannot be parsed are reported as ``CorruptPosition``s.
public enum PositionsFile {
    public static func encode(_ table: [PositionKey: Position]) -> [UInt8] {
        var out = Array("# tributary positions v1\npositions:\n".utf8)
        for key in table.keys.sorted(by: { ($0.path, $0.labels) < ($1.path, $1.labels) }) {
            let p = table[key]!
            out += Array("  - path: ".utf8)
            JSONString.append(key.path, to: &out)
            out += Array("\n    labels: ".utf8)
            JSONString.append(key.labels, to: &out)
            out += Array("\n    offset: \(p.offset)\n".utf8)
            if p.through > p.offset { out += Array("    through: \(p.through)\n".utf8) }
            if let id = p.identity {
                out += Array("    device: \(id.device)\n    inode: \(id.inode)\n".utf8)
            }
        }
        return out
    }

    /// Parses a positions file; corrupt entries are returned separately, never thrown.
    public static func decode(_ bytes: [UInt8]) -> (positions: [PositionKey: Position], corrupt: [CorruptPosition]) {
        var table: [PositionKey: Position] = [:]
        var corrupt: [CorruptPosition] = []
        var current: (line: Int, fields: [String: String], errors: [String])? = nil
        func finish() {
            guard let c = current else { return }
            current = nil
            let path = c.fields["path"], labels = c.fields["labels"] ?? "{}"
            let key = path.map { PositionKey(path: $0, labels: labels) }
            if !c.errors.isEmpty || path == nil {
                corrupt.append(CorruptPosition(key: key, line: c.line, reason: c.errors.first ?? "entry has no path"))
                return
            }
            guard let offText = c.fields["offset"], let off = Int64(offText), off >= 0 else {
                corrupt.append(CorruptPosition(key: key, line: c.line, reason: "offset \(c.fields["offset"].map { "\"\($0)\"" } ?? "missing") is not a valid offset"))
                return
            }
            var identity: FileIdentity? = nil
            if let d = c.fields["device"], let i = c.fields["inode"] {
                guard let dv = UInt64(d), let iv = UInt64(i) else {
                    corrupt.append(CorruptPosition(key: key, line: c.line, reason: "device/inode is not a number"))
                    return
                }
                identity = FileIdentity(device: dv, inode: iv)
            }
            var through: Int64? = nil
            if let t = c.fields["through"] {
                guard let tv = Int64(t), tv >= off else {
                    corrupt.append(CorruptPosition(key: key, line: c.line, reason: "through \"\(t)\" is not an offset at or after the offset"))
                    return
                }
                through = tv
            }
            table[key!] = Position(offset: off, identity: identity, through: through)
        }
        let lines = bytes.split(separator: 10, omittingEmptySubsequences: false)
        var sawHeader = false
        for (n, raw) in lines.enumerated() {
            let lineNo = n + 1
            var line = Array(raw)
            if line.last == 13 { line.removeLast() }
            let text = String(decoding: line, as: UTF8.self)
            let trimmed = text.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if line.contains(0) || !String(decoding: line, as: UTF8.self).utf8.elementsEqual(line) {
                if current != nil { current!.errors.append("line \(lineNo) has NUL or invalid UTF-8 bytes") } else {
                    corrupt.append(CorruptPosition(key: nil, line: lineNo, reason: "line \(lineNo) has NUL or invalid UTF-8 bytes"))
                }
                continue
            }
            if text == "positions:" || text == "positions: []" {
                sawHeader = true
                continue
            }
            var body = Substring(trimmed)
            if body.hasPrefix("- ") {
                finish()
                current = (lineNo, [:], [])
                body = body.dropFirst(2)
            }
            guard sawHeader, current != nil, let colon = body.firstIndex(of: ":") else {
                corrupt.append(CorruptPosition(key: nil, line: lineNo, reason: "line \(lineNo) is not a positions entry"))
                continue
            }
            let name = String(body[..<colon])
            var value = String(body[body.index(after: colon)...]).drop { $0 == " " }
            if value.hasPrefix("\"") {
                guard let v = JSONString.unquote(String(value)) else {
                    current!.errors.append("line \(lineNo): bad quoted string")
                    continue
                }
                value = Substring(v)
            }
            current!.fields[name] = String(value)
        }
        finish()
        return (table, corrupt)
    }

    /// Reads a Promtail/Grafana Agent positions file (`positions: {"<path>": "<offset>"}`); each entry becomes a
    /// key with labels `{}`. Unparsable entries are skipped.
    public static func decodeLegacy(_ bytes: [UInt8]) -> [PositionKey: Position] {
        var table: [PositionKey: Position] = [:]
        var inPositions = false
        for raw in bytes.split(separator: 10) {
            var text = String(decoding: raw, as: UTF8.self)
            if text.hasSuffix("\r") { text.removeLast() }
            if text.hasPrefix("positions:") { inPositions = true; continue }
            guard inPositions, text.hasPrefix(" ") || text.hasPrefix("\t") else {
                if !text.isEmpty && !text.hasPrefix("#") { inPositions = false }
                continue
            }
            let t = text.drop { $0 == " " || $0 == "\t" }
            // key: value, where key may be quoted and contain ':'
            var key: String
            var rest: Substring
            if t.hasPrefix("\"") || t.hasPrefix("'") {
                let q = t.first!
                guard let end = t.dropFirst().firstIndex(of: q) else { continue }
                key = String(t[t.index(after: t.startIndex)..<end])
                if q == "\"", let u = JSONString.unquote("\"" + key + "\"") { key = u }
                rest = t[t.index(after: end)...]
                guard let c = rest.firstIndex(of: ":") else { continue }
                rest = rest[rest.index(after: c)...]
            } else {
                guard let sep = t.firstRange(of: ": ") else { continue }
                key = String(t[..<sep.lowerBound])
                rest = t[sep.upperBound...]
            }
            let v = rest.trimming(" \"'")
            guard let off = Int64(v), off >= 0, !key.isEmpty else { continue }
            if key.hasPrefix("cursor-") || key.hasPrefix("journal-") { continue }
            table[PositionKey(path: key, labels: "{}")] = Position(offset: off, identity: nil)
        }
        return table
    }
}
