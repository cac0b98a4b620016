#if canImport(Glibc)
import Glibc
#endif

/// Doublestar-style globbing, as `local.file_match` does it: `*` (any run of characters except `/`, leading
/// dots included), `**` (zero or more directories), `?`, `[abc]`, `[a-z]`, `[!x]`/`[^x]`, `{a,b}` alternation
/// and `\` escapes.
public enum Glob {
    /// Whether `pattern` contains glob syntax.
    public static func hasMeta(_ pattern: String) -> Bool {
        pattern.utf8.contains { $0 == 42 || $0 == 63 || $0 == 91 || $0 == 123 || $0 == 92 }
    }

    /// Expands `{a,b}` alternatives (nested ones too) into plain patterns.
    public static func expandBraces(_ pattern: String) -> [String] {
        let b = Array(pattern.utf8)
        var depth = 0
        var open = -1
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 92 { i += 2; continue }
            if c == 123 {
                if depth == 0 { open = i }
                depth += 1
            } else if c == 125 && depth > 0 {
                depth -= 1
                if depth == 0 {
                    var parts: [[UInt8]] = []
                    var d = 0
                    var start = open + 1
                    var j = open + 1
                    while j < i {
                        if b[j] == 92 { j += 2; continue }
                        if b[j] == 123 { d += 1 } else if b[j] == 125 { d -= 1 } else if b[j] == 44 && d == 0 {
                            parts.append(Array(b[start..<j]))
                            start = j + 1
                        }
                        j += 1
                    }
                    parts.append(Array(b[start..<i]))
                    let prefix = Array(b[0..<open]), suffix = Array(b[(i + 1)...])
                    return parts.flatMap { expandBraces(String(decoding: prefix + $0 + suffix, as: UTF8.self)) }
                }
            }
            i += 1
        }
        return [pattern]
    }

    /// Whether a whole path matches `pattern`.
    public static func match(_ pattern: String, _ path: String) -> Bool {
        for p in expandBraces(pattern) {
            let ps = p.split(separator: "/", omittingEmptySubsequences: false).map { Array($0.utf8) }
            let xs = path.split(separator: "/", omittingEmptySubsequences: false).map { Array($0.utf8) }
            if matchSegments(ps[...], xs[...]) { return true }
        }
        return false
    }

    private static func matchSegments(_ ps: ArraySlice<[UInt8]>, _ xs: ArraySlice<[UInt8]>) -> Bool {
        guard let p = ps.first else { return xs.isEmpty }
        if p == [42, 42] {
            // ** matches zero or more whole segments.
            var rest = xs
            while true {
                if matchSegments(ps.dropFirst(), rest) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        }
        guard let x = xs.first, matchSegment(p[...], x[...]) else { return false }
        return matchSegments(ps.dropFirst(), xs.dropFirst())
    }

    /// Matches one path segment against one pattern segment (no `/` on either side).
    public static func matchSegment(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        var pi = p.startIndex, si = s.startIndex
        var starP = -1, starS = -1
        while si < s.endIndex {
            if pi < p.endIndex {
                let c = p[pi]
                if c == 42 {
                    starP = pi
                    starS = si
                    pi += 1
                    continue
                }
                if c == 63 {
                    pi += 1
                    si = nextScalar(s, si)
                    continue
                }
                if c == 91, let (ok, end, width) = matchClass(p, pi, s, si) {
                    if ok {
                        pi = end
                        si += width
                        continue
                    }
                } else {
                    var lit = c
                    var adv = 1
                    if c == 92, pi + 1 < p.endIndex { lit = p[pi + 1]; adv = 2 }
                    if lit == s[si] {
                        pi += adv
                        si += 1
                        continue
                    }
                }
            }
            if starP >= 0 {
                pi = starP + 1
                starS = nextScalar(s, starS)
                si = starS
                continue
            }
            return false
        }
        while pi < p.endIndex && p[pi] == 42 { pi += 1 }
        return pi == p.endIndex
    }

    private static func nextScalar(_ s: ArraySlice<UInt8>, _ i: Int) -> Int {
        var j = i + 1
        while j < s.endIndex && s[j] & 0xC0 == 0x80 { j += 1 }
        return j
    }

    /// Matches a `[...]` class at `p[pi]`; returns (matched, index after `]`, bytes consumed), or nil if the
    /// class is not terminated (then `[` is literal).
    private static func matchClass(_ p: ArraySlice<UInt8>, _ pi: Int, _ s: ArraySlice<UInt8>, _ si: Int) -> (Bool, Int, Int)? {
        var i = pi + 1
        var negate = false
        if i < p.endIndex && (p[i] == 33 || p[i] == 94) { negate = true; i += 1 }
        let end = nextScalar(s, si)
        let ch = decode(s[si..<end])
        var matched = false
        var first = true
        while i < p.endIndex && (p[i] != 93 || first) {
            first = false
            var lo = p[i]
            var loEnd = nextScalar(p, i)
            if lo == 92 && i + 1 < p.endIndex { i += 1; lo = p[i]; loEnd = nextScalar(p, i) }
            let loV = decode(p[i..<loEnd])
            i = loEnd
            var hiV = loV
            if i + 1 < p.endIndex && p[i] == 45 && p[i + 1] != 93 {
                i += 1
                if p[i] == 92 && i + 1 < p.endIndex { i += 1 }
                let hiEnd = nextScalar(p, i)
                hiV = decode(p[i..<hiEnd])
                i = hiEnd
            }
            if ch >= loV && ch <= hiV { matched = true }
        }
        guard i < p.endIndex else { return nil }
        return (matched != negate, i + 1, end - si)
    }

    private static func decode(_ b: ArraySlice<UInt8>) -> UInt32 {
        String(decoding: b, as: UTF8.self).unicodeScalars.first?.value ?? 0
    }

    /// Every existing path that matches `pattern` (absolute or relative to the working directory), sorted.
    /// Directories are included; callers filter them.
    public static func expand(_ pattern: String) -> [String] {
        var results = Set<String>()
        for p in expandBraces(pattern) {
            let absolute = p.hasPrefix("/")
            let segments = p.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            walk(base: absolute ? "/" : "", segments[...], into: &results)
        }
        return results.sorted()
    }

    private static func join(_ base: String, _ name: String) -> String {
        if base.isEmpty { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }

    private static func walk(base: String, _ segments: ArraySlice<String>, into results: inout Set<String>) {
        guard let seg = segments.first else {
            if !base.isEmpty, exists(base) { results.insert(base) }
            return
        }
        let rest = segments.dropFirst()
        if seg == "**" {
            walk(base: base, rest, into: &results)
            for (name, isDir) in list(base.isEmpty ? "." : base) where isDir {
                walk(base: join(base, name), segments, into: &results)
            }
            return
        }
        if !hasMeta(seg) {
            let next = join(base, seg)
            if rest.isEmpty {
                if exists(next) { results.insert(next) }
            } else {
                walk(base: next, rest, into: &results)
            }
            return
        }
        let pat = Array(seg.utf8)
        for (name, _) in list(base.isEmpty ? "." : base) where matchSegment(pat[...], Array(name.utf8)[...]) {
            walk(base: join(base, name), rest, into: &results)
        }
    }

    private static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// Directory entries (without `.` and `..`) and whether each is a real directory (symlinks are not followed).
    private static func list(_ dir: String) -> [(String, Bool)] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [(String, Bool)] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            var isDir = e.pointee.d_type == UInt8(DT_DIR)
            if e.pointee.d_type == UInt8(DT_UNKNOWN) {
                var st = stat()
                isDir = lstat(join(dir, name), &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            }
            out.append((name, isDir))
        }
        return out
    }
}
