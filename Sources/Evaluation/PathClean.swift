/// Go's `filepath.Join` + `Clean` for slash-separated paths.
public enum PathClean {
    public static func join(_ parts: [String]) -> String {
        let nonEmpty = parts.filter { !$0.isEmpty }
        if nonEmpty.isEmpty { return "" }
        return clean(nonEmpty.joined(separator: "/"))
    }

    public static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = out.last, last != ".." { out.removeLast() } else if !rooted { out.append(part) }
                continue
            }
            out.append(part)
        }
        let body = out.joined(separator: "/")
        if rooted { return "/" + body }
        return body.isEmpty ? "." : body
    }
}
