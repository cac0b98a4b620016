import Codecs
import Evaluation
import LogCore
import Runtime

/// Alloy's web API (`/api/v0/web/…`, the paths and JSON field names its UI and scripts use), answered from the
/// controller: the component list with health and graph edges, and one component with its arguments (secrets shown
/// as `(secret)`) and exports in Alloy's JSON body form.
enum WebAPI {
    static let prefix = "/api/v0/web"
    static let liveDebuggingDisabled = "the live debugging service is disabled: enable it with livedebugging { enabled = true } in the configuration\n"

    /// What a path under the API asks for.
    enum Route: Equatable {
        case components
        /// `/modules/{moduleID}/components`: the components of one module.
        case moduleComponents(String)
        case component(String)
        case debug(String)
        /// `/graph` (the top level's components) or `/graph/{moduleID}` (one module's).
        case graph(module: String?)
        case notFound
    }

    static func route(_ path: String) -> Route {
        guard path.hasPrefix(prefix + "/") else { return .notFound }
        let rest = path.dropFirst(prefix.count + 1)
        if rest == "components" || rest == "components/" { return .components }
        if rest.hasPrefix("components/") { return .component(String(rest.dropFirst("components/".count))) }
        if rest.hasPrefix("modules/") && rest.hasSuffix("/components") {
            let id = rest.dropFirst("modules/".count).dropLast("/components".count)
            return id.isEmpty ? .notFound : .moduleComponents(String(id))
        }
        if rest.hasPrefix("debug/") { return .debug(String(rest.dropFirst("debug/".count))) }
        if rest == "graph" { return .graph(module: nil) }
        if rest.hasPrefix("graph/") && rest.count > "graph/".count { return .graph(module: String(rest.dropFirst("graph/".count))) }
        return .notFound
    }

    /// `GET /api/v0/web/components`: every component, without arguments and exports.
    static func list(_ infos: [ComponentInfo], _ live: LiveDebugHub) -> [UInt8] {
        var out: [UInt8] = []
        JSON.array(infos.map { json($0, live) }).write(to: &out)
        return out
    }

    /// `GET /api/v0/web/components/{id}`: one component with its arguments and exports.
    static func detail(_ info: ComponentInfo, _ live: LiveDebugHub) -> [UInt8] {
        var out: [UInt8] = []
        json(info, live).write(to: &out)
        return out
    }

    /// Whether `/debug/{id}` streams this component: live debugging is enabled and the component handles entries.
    static func liveDebuggingEnabled(_ id: String, _ live: LiveDebugHub) -> Bool {
        live.isEnabled && live.allTaps.contains { $0.componentID == id }
    }

    /// The `sampleProb` query parameter (default 1); nil when it is not a number in [0, 1].
    static func sampleProbability(_ uri: String) -> Double? {
        guard let value = query(uri, "sampleProb") else { return 1 }
        guard let p = Double(value), p >= 0, p <= 1 else { return nil }
        return p
    }

    /// The `window` query parameter in seconds (default 5); nil when it is not an integer in 1…60.
    static func window(_ uri: String) -> Int? {
        guard let value = query(uri, "window") else { return 5 }
        guard let w = Int(value), (1...60).contains(w) else { return nil }
        return w
    }

    static func query(_ uri: String, _ name: String) -> String? {
        guard let q = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        for pair in q.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if kv.first.map(String.init) == name { return kv.count > 1 ? String(kv[1]) : "" }
        }
        return nil
    }

    /// One component in Alloy's shape (`internal/component` Info's JSON).
    static func json(_ info: ComponentInfo, _ live: LiveDebugHub) -> JSON {
        var time: [UInt8] = []
        RFC3339.appendNano(info.health.updated, to: &time)
        var fields: [(String, JSON)] = [
            ("name", .string(info.name)),
            ("type", .string("block")),
            ("localID", .string(info.id)),
            ("moduleID", .string(info.moduleID)),
        ]
        if !info.label.isEmpty { fields.append(("label", .string(info.label))) }
        fields += [
            ("referencesTo", .array(info.referencesTo.map { .string($0) })),
            ("referencedBy", .array(info.referencedBy.map { .string($0) })),
            ("dataFlowEdgesTo", .array(info.dataFlowEdgesTo.map { .string($0) })),
            ("health", .object([
                ("state", .string(info.health.state.rawValue)),
                ("message", .string(info.health.message)),
                ("updatedTime", .string(String(decoding: time, as: UTF8.self))),
            ])),
            ("original", .string("")),
        ]
        if let arguments = info.arguments { fields.append(("arguments", AlloyJSON.body(arguments))) }
        if let exports = info.exports { fields.append(("exports", AlloyJSON.body(exports))) }
        if let debugInfo = info.debugInfo { fields.append(("debugInfo", AlloyJSON.body(debugInfo))) }
        if !info.createdModuleIDs.isEmpty { fields.append(("createdModuleIDs", .array(info.createdModuleIDs.map { .string($0) }))) }
        fields.append(("liveDebuggingEnabled", .bool(liveDebuggingEnabled(info.globalID, live))))
        return .object(fields)
    }
}
