import Evaluation
import Syntax

/// What a static walk of a configuration (``Controller/walk(_:visitor:)``) does with each built-in component,
/// inside modules too: the exports it stands for, and what to do with it once its arguments can be evaluated.
public struct StaticVisitor {
    /// The exports of the component with this full id (`custom.a/loki.process.x`).
    public var exports: (_ id: String, _ node: ComponentNode) -> [String: Value]
    /// Called in dependency order with the component's full id and the scope its arguments evaluate in.
    public var visit: (_ id: String, _ node: ComponentNode, _ scope: [String: Value]) -> Void

    public init(exports: @escaping (String, ComponentNode) -> [String: Value],
                visit: @escaping (String, ComponentNode, [String: Value]) -> Void) {
        self.exports = exports
        self.visit = visit
    }
}

extension Controller {
    /// Type-checks every component's arguments with its dependencies' exports at their zero values, and the bodies
    /// of custom components (with the arguments each instance gives) and foreach templates (with the collection's
    /// first item).
    public static func validate(_ graph: ConfigGraph, allowExperimental: Bool = false) -> Diagnostics {
        let checked = validate(graph, allowExperimental: allowExperimental, external: graph.variables, arguments: [:])
        var diags = checked.diagnostics
        diags.append(contentsOf: decodeWriteTo(graph.logging, scope: checked.scope).diagnostics)
        var seen = Set<String>()
        return Diagnostics(diags.items.filter { seen.insert("\($0.file?.name ?? ""):\($0.start):\($0.message)").inserted })
    }

    /// Evaluates a configuration without running it, descending into the bodies of custom components and into a
    /// copy of a foreach template per item: `visitor` gives the exports of the built-in components and sees each
    /// of them with its full id, as the running agent would name it. Returns the diagnostics.
    public static func walk(_ graph: ConfigGraph, visitor: StaticVisitor) -> Diagnostics {
        validate(graph, allowExperimental: true, external: graph.variables, arguments: [:], prefix: "", visitor: visitor).diagnostics
    }

    /// The diagnostics of a graph validated with `external` and, for a custom component's body, the `arguments` its
    /// instance gives; the values of its `export` blocks (what the instance exports to its dependents); and the
    /// scope its components ended with. With a `visitor`, every foreach item is walked, and ids carry `prefix`.
    static func validate(_ graph: ConfigGraph, allowExperimental: Bool, external: [String: Value], arguments: [String: Value],
                         prefix: String = "", visitor: StaticVisitor? = nil) -> (diagnostics: Diagnostics, exports: [String: Value], scope: [String: Value]) {
        var diags = Diagnostics()
        var moduleExports: [String: Value] = [:]
        var exports: [[String: Value]?] = graph.nodes.map { node in
            guard let visitor, node.module == nil, !["argument", "export"].contains(node.name) else { return node.registration.exports }
            return visitor.exports(prefix + node.id, node)
        }
        for i in graph.nodes.indices {
            let node = graph.nodes[i]
            if node.registration.stability == .experimental && !allowExperimental {
                diags.append(Diagnostic(file: node.source, start: node.block.nameOffset, end: node.block.nameOffset + node.name.utf8.count - 1,
                                        message: "\(node.name) is at stability level \"experimental\", which is below the minimum allowed stability level \"generally-available\". Use --stability.level command-line flag to enable \"experimental\" features"))
                continue
            }
            let scope = scope(graph.nodes, exports, external: external)
            let (args, d) = decodeArguments(node, scope: scope, allowExperimental: allowExperimental)
            diags.append(contentsOf: d)
            if let a = args as? ArgumentComponent.Arguments {
                exports[i] = ["value": arguments[node.label] ?? a.defaultValue ?? .null]
            }
            if let a = args as? ExportComponent.Arguments { moduleExports[node.label] = a.value }
            if d.hasErrors { continue }
            if let a = args as? CustomComponent.Arguments {
                let body = validate(a.template.graph, allowExperimental: allowExperimental, external: a.template.variables, arguments: a.values,
                                    prefix: prefix + node.id + "/", visitor: visitor)
                diags.append(contentsOf: body.diagnostics)
                exports[i] = node.registration.exports.merging(body.exports) { $1 }
            } else if let a = args as? ForeachComponent.Arguments {
                let copies = visitor == nil ? Array(ForeachComponent.copies(a).prefix(1)) : ForeachComponent.copies(a)
                for (id, item) in copies {
                    var inner = scope
                    inner[a.variable] = item
                    diags.append(contentsOf: validate(a.template.graph, allowExperimental: allowExperimental, external: inner, arguments: [:],
                                                      prefix: prefix + node.id + "/" + id + "/", visitor: visitor).diagnostics)
                }
            } else if let visitor, !(args is ArgumentComponent.Arguments), !(args is ExportComponent.Arguments) {
                visitor.visit(prefix + node.id, node, scope)
            }
        }
        return (diags, moduleExports, scope(graph.nodes, exports, external: external))
    }
}
