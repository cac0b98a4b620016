import Codecs
import Evaluation
import Logging

/// `foreach "name" { collection = […], var = "each", template { … } }` (experimental in Alloy): one copy of the
/// template's components per item of the collection, each in a controller of its own with the item in scope under
/// `var` and every identifier of the enclosing body as well. Copies are named as Alloy names them
/// (`foreach_<item>_<n>`), so an item that stays in the collection keeps its running copy; new items get new
/// copies and copies of removed items are stopped. Without `enable_metrics` the copies' metrics are not exported
/// (``ComponentMetrics``).
final class ForeachComponent: ModuleHosting {
    struct Arguments: Sendable {
        var collection: [Value]
        var variable: String
        var idField: String?
        var hashStringID: Bool
        var enableMetrics: Bool
        /// The enclosing body's identifiers, as the foreach block was evaluated against.
        var scope: [String: Value]
        var template: ModuleTemplate
    }

    private let options: ComponentOptions
    private let children: Children

    init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        children = Children(options: options)
        try await children.apply(arguments)
    }

    var exports: [String: Value] { [:] }

    func moduleControllers() async -> [Controller] { await children.controllers() }

    func run() async {
        await waitUntilCancelled()
        await children.stopAll()
    }

    func update(_ arguments: any Sendable) async throws {
        guard let a = arguments as? Arguments else {
            throw ArgumentsMismatch(expected: "\(Arguments.self)", got: "\(type(of: arguments))")
        }
        try await children.apply(a)
    }

    /// Stands for a foreach block until its template is loaded (the loader then replaces it).
    static let placeholder = ComponentRegistration(
        name: "foreach", stability: .experimental, exports: [:], decode: { _ in () },
        build: { _, _ in throw ArgumentsMismatch(expected: "a loaded foreach template", got: "none") })

    /// The registration of one `foreach` block, whose template body is `template`.
    static func registration(template: ModuleTemplate) -> ComponentRegistration {
        ComponentRegistration(
            name: "foreach", stability: .experimental, exports: [:],
            decode: { d in
                let collection = d.required("collection", as: [Value].self)
                let variable = d.required("var", as: String.self)
                let idField = d.optional("id", as: String.self)
                let hash = d.attribute("hash_string_id", default: false)
                let metrics = d.attribute("enable_metrics", default: false)
                if d.block("template") == nil { d.error("the block template is missing in the foreach block") }
                return Arguments(collection: collection, variable: variable, idField: idField.flatMap { $0.isEmpty ? nil : $0 },
                                 hashStringID: hash, enableMetrics: metrics, scope: d.evaluator.scope, template: template)
            },
            build: { options, args in try await ForeachComponent(options: options, arguments: args as! Arguments) })
    }

    /// The running copies, by child id.
    actor Children {
        let options: ComponentOptions
        var running: [String: (controller: Controller, fingerprint: UInt64)] = [:]
        var metricsExported: Bool?

        init(options: ComponentOptions) { self.options = options }

        func apply(_ a: Arguments) async throws {
            if metricsExported != a.enableMetrics {
                // The copies' series are made when their components start: toggling means starting them anew.
                await stopAll()
                ComponentMetrics.setExported(a.enableMetrics, under: options.id)
                metricsExported = a.enableMetrics
            }
            let wanted = ForeachComponent.copies(a, logger: options.logger)
            let keep = Set(wanted.map(\.id))
            for (id, child) in running where !keep.contains(id) {
                running[id] = nil
                await child.controller.stop()
            }
            var firstError: (any Error)? = nil
            for (id, item) in wanted {
                var scope = a.scope
                scope[a.variable] = item
                if let child = running[id], child.fingerprint == a.template.fingerprint {
                    await child.controller.setExternal(scope)
                    continue
                }
                if let old = running.removeValue(forKey: id) { await old.controller.stop() }
                var childOptions = options
                childOptions.dataPath = options.dataPath + "/" + id
                let controller = CustomComponent.controller(a.template, options: childOptions, io: nil, variables: scope,
                                                            moduleID: options.id + "/" + id)
                do {
                    try await controller.start()
                    running[id] = (controller, a.template.fingerprint)
                } catch {
                    await controller.stop()
                    if firstError == nil { firstError = error }
                }
            }
            if let firstError { throw firstError }
        }

        func controllers() -> [Controller] { running.keys.sorted().map { running[$0]!.controller } }

        func stopAll() async {
            for (_, child) in running { await stopOutsideCancellation(child.controller) }
            running = [:]
        }
    }

    /// The copies a collection asks for: each item with its child id (`foreach_<item>_<n>`, `n` counting items
    /// with the same fingerprint).
    static func copies(_ a: Arguments, logger: Logger? = nil) -> [(id: String, item: Value)] {
        var wanted: [(id: String, item: Value)] = []
        var counts: [String: Int] = [:]
        for item in a.collection {
            var key = item
            if let field = a.idField {
                if case .object(let o) = item.expanded, let v = o[field] {
                    key = v
                } else {
                    logger?.warning("specified id not found in collection item", metadata: ["id": "\(field)"])
                }
            }
            let base = "foreach_" + fingerprint(key, hash: a.hashStringID)
            let n = (counts[base] ?? 0) + 1
            counts[base] = n
            wanted.append((base + "_\(n)", item))
        }
        return wanted
    }

    /// Alloy's child id for a collection item: strings with characters other than letters and digits replaced by
    /// `_` (or their SHA-256 with `hash_string_id`), integers and bools as written, floats with six decimals and
    /// `_` for the point, anything else hashed.
    static func fingerprint(_ v: Value, hash: Bool) -> String {
        switch v {
        case .string(let s):
            if hash { return Digests.hex(Digests.sha256(Array(s.utf8))) }
            return String(String.UnicodeScalarView(s.unicodeScalars.map { isLetterOrDigit($0) ? $0 : "_" }))
        case .bool(let b): return b ? "true" : "false"
        case .number(.int(let i)): return String(i)
        case .number(.uint(let u)): return String(u)
        case .number(.float(let f)):
            return String(((try? GoFormat.sprintf("%f", [.float(f)])) ?? "").map { $0 == "." ? "_" : $0 })
        default:
            return Digests.hex(Digests.sha256(Array(JSONValue.encode(v.expanded).utf8)))
        }
    }

    /// Go's `unicode.IsLetter || unicode.IsDigit`.
    private static func isLetterOrDigit(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber: return true
        default: return false
        }
    }
}
