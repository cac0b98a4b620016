import Codecs
import Evaluation
import Runtime

/// Alloy's web API (`/api/v0/web/…`, the paths and JSON field names its UI and scripts use), answered from the
/// controller: the component list with health and graph edges, and one component with its arguments (secrets shown
/// as `(secret)`) and exports in Alloy's JSON body form.
enum WebAPI {
    static let prefix = "/api/v0/web"

    /// What a path under the API asks for.
    enum Route: Equatable {
        case components
        case component(String)
        case notFound
    }

    static func route(_ path: String) -> Route {
        guard path.hasPrefix(prefix + "/") else { return .notFound }
        let rest = path.dropFirst(prefix.count + 1)
        if rest == "components" || rest == "components/" { return .components }
        if rest.hasPrefix("components/") { return .component(String(rest.dropFirst("components/".count))) }
        return .notFound
    }

    /// `GET /api/v0/web/components`: every component, without arguments and exports.
    static func list(_ infos: [ComponentInfo]) -> [UInt8] {
        var out: [UInt8] = []
        JSON.array(infos.map(json)).write(to: &out)
        return out
    }

    /// `GET /api/v0/web/components/{id}`: one component with its arguments and exports.
    static func detail(_ info: ComponentInfo) -> [UInt8] {
        var out: [UInt8] = []
        json(info).write(to: &out)
        return out
    }

    /// One component in Alloy's shape (`internal/component` Info's JSON).
    static func json(_ info: ComponentInfo) -> JSON {
        var time: [UInt8] = []
        RFC3339.appendNano(info.health.updated, to: &time)
        var fields: [(String, JSON)] = [
            ("name", .string(info.name)),
            ("type", .string("block")),
            ("localID", .string(info.id)),
            ("moduleID", .string("")),
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
        fields.append(("liveDebuggingEnabled", .bool(false)))
        return .object(fields)
    }
}
