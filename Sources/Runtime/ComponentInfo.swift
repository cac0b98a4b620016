import Evaluation

/// What the agent's API shows of one component (Alloy's component info): its place in the graph, its health, and
/// when asked for one component, its evaluated arguments (secrets hidden) and exports.
public struct ComponentInfo: Sendable {
    /// The component's id within its module, e.g. `loki.source.file.pods` (Alloy's `localID`).
    public var id: String
    /// The module it is in (Alloy's `moduleID`): empty at the top level, else the id of the custom component or
    /// foreach copy running it (`lib.tagger.first`, `foreach.apps/foreach_api_1`).
    public var moduleID: String = ""
    /// The full id: `<moduleID>/<id>`, or the id at the top level.
    public var globalID: String { moduleID.isEmpty ? id : moduleID + "/" + id }
    /// The component's name, e.g. `loki.source.file`.
    public var name: String
    public var label: String
    /// The components this one's arguments refer to, and those whose arguments refer to this one.
    public var referencesTo: [String]
    public var referencedBy: [String]
    /// The components this one sends entries to (the owners of the receivers in its arguments).
    public var dataFlowEdgesTo: [String]
    public var health: ComponentHealth
    public var arguments: [EvaluatedStatement]?
    public var exports: [String: Value]?
    public var debugInfo: [EvaluatedStatement]? = nil
    /// The modules it runs: a custom component's body, a foreach's copies.
    public var createdModuleIDs: [String] = []
}
