import Synchronization

/// How a component's metrics are labelled and whether they are kept, as Alloy's per-component registries do.
///
/// Components name themselves by their full id (`foreach.apps/foreach_api_1/loki.source.file.logs`); Alloy's
/// series carry the local id in `component_id` and the module it runs in as `component_path` (`/` at the top
/// level, `/foreach.apps/foreach_api_1` inside a copy). The components of a `foreach` without `enable_metrics`
/// register into nothing, so their series never appear.
public enum ComponentMetrics {
    /// `component_path` and `component_id` for a component's full id.
    public static func labels(forFullID id: String) -> (path: String, id: String) {
        guard let slash = id.lastIndex(of: "/") else { return ("/", id) }
        return ("/" + id[..<slash], String(id[id.index(after: slash)...]))
    }

    /// A series' dimensions as Alloy labels them: a `component_id` holding a full id becomes the local id followed
    /// by `component_path`; nil when the component's metrics are not exported.
    public static func dimensions(_ dimensions: [(String, String)]) -> [(String, String)]? {
        guard let at = dimensions.firstIndex(where: { $0.0 == "component_id" }) else { return dimensions }
        let fullID = dimensions[at].1
        if isHidden(fullID) { return nil }
        let (path, id) = labels(forFullID: fullID)
        var out = dimensions
        out[at] = ("component_id", id)
        out.insert(("component_path", path), at: at + 1)
        return out
    }

    /// Module ids (with a trailing `/`) whose components' metrics are not kept.
    private static let hidden = Mutex<Set<String>>([])

    /// Whether the metrics of the component with this full id are left out.
    public static func isHidden(_ fullID: String) -> Bool {
        hidden.withLock { set in set.contains { fullID.hasPrefix($0) } }
    }

    /// Keeps or leaves out the metrics of every component under `moduleID` (a `foreach` block's id); takes effect
    /// for series created from now on.
    static func setExported(_ exported: Bool, under moduleID: String) {
        let prefix = moduleID + "/"
        hidden.withLock { set in
            if exported { set.remove(prefix) } else { set.insert(prefix) }
        }
    }
}
