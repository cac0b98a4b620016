import LogCore
#if canImport(Glibc)
import Glibc
#endif

/// The matching behind `local.file_match`: expands each target's `__path__` glob, drops matches of
/// `__path_exclude__`, directories, unreadable paths and (optionally) files not modified recently.
public enum FileMatch {
    /// How often the globs are expanded again, and which files are too old to list.
    public struct Settings: Sendable, Equatable {
        public var syncPeriod: Duration = .seconds(10)
        /// Files not modified for this long are left out; zero: none are.
        public var ignoreOlderThan: Duration = .zero

        public init() {}

        /// What is wrong with these settings, by attribute.
        public var problems: [ConfigProblem] {
            syncPeriod <= .zero ? [ConfigProblem("sync_period must be greater than 0", attribute: "sync_period")] : []
        }
    }

    /// Resolves targets again and again (every sync period): one target per matched file, with `__path__` replaced
    /// by the absolute path of the match. Hands back the very label sets of the last round for files still matched
    /// by unchanged targets, so thousands of targets are not copied every ten seconds.
    public struct Resolver: Sendable {
        /// Per target of the last round: matched path → the target made for it.
        private var made = LabelSetMemo<[String: LabelSet]>()

        public init() {}

        /// - Parameter ignoreOlderThan: nanoseconds; 0 disables the modification-time filter.
        public mutating func resolve(_ targets: [LabelSet], ignoreOlderThan: Int64 = 0, nowNanoseconds: Int64) -> [LabelSet] {
            var out: [LabelSet] = []
            let cwd = currentDirectory()
            for target in targets {
                guard let pattern = target["__path__"] else { continue }
                let earlier = made.remembered(target) ?? [:]
                var now: [String: LabelSet] = [:]
                let exclude = target["__path_exclude__"].map { absolute($0, cwd) }
                for match in Glob.expand(pattern) {
                    let path = absolute(match, cwd)
                    if let exclude, Glob.match(exclude, path) { continue }
                    var st = stat()
                    guard stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR else { continue }
                    if ignoreOlderThan > 0 {
                        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
                        if mtime < nowNanoseconds - ignoreOlderThan { continue }
                    }
                    let t = earlier[path] ?? FileMatch.target(target, path: path)
                    now[path] = t
                    out.append(t)
                }
                made.remember(now, for: target)
            }
            made.endRound()
            return out
        }
    }

    /// `target` with `__path__` set to `path`.
    static func target(_ target: LabelSet, path: String) -> LabelSet {
        var t = target
        t["__path__"] = path
        return t.compacted
    }

    static func absolute(_ path: String, _ cwd: String) -> String {
        path.hasPrefix("/") ? path : cleanPath(cwd + "/" + path)
    }

    static func cleanPath(_ path: String) -> String {
        var out: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !out.isEmpty { out.removeLast() }; continue }
            out.append(part)
        }
        return "/" + out.joined(separator: "/")
    }

    static func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "/" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension FileMatch {
    /// Whether the file at `path` was last modified before `now − age` (both in nanoseconds).
    public static func modifiedBefore(_ path: String, age: Int64, nowNanoseconds: Int64) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        return mtime < nowNanoseconds - age
    }
}
