import Evaluation
import Syntax

/// A component block of the configuration, with what it references.
public struct ComponentNode: Sendable {
    /// `loki.source.file.pods`.
    public let id: String
    public let name: String
    public let label: String
    public let block: Block
    public let source: SourceFile
    public let registration: ComponentRegistration
    /// Indices (in ``ConfigGraph/nodes``) of the components this one references.
    public internal(set) var dependencies: [Int] = []
}

/// The `logging` block: level and format of Tributary's own log, and where else its lines go (`write_to`, evaluated
/// once the components it names exist: ``Controller/loggingWriteTo()``).
public struct LoggingConfig: Sendable {
    public var level: String = "info"
    public var format: String = "logfmt"
    /// The `write_to` attribute, its file, and the type it decodes to.
    public var writeTo: Attribute? = nil
    public var source: SourceFile? = nil
    public var writeToType: (any AlloyDecodable.Type)? = nil
}

/// A loaded configuration: component nodes in dependency order, and the top-level configuration blocks.
public struct ConfigGraph: Sendable {
    public private(set) var nodes: [ComponentNode]
    public var logging = LoggingConfig()
    /// `livedebugging { enabled = true }`: whether the web API may stream what components receive and emit.
    public var liveDebugging = false
    /// Warnings found while loading (deprecated functions, ignored blocks).
    public var warnings = Diagnostics()

    /// Nodes that (directly) reference node `i`.
    public func dependents(of i: Int) -> [Int] {
        nodes.indices.filter { nodes[$0].dependencies.contains(i) }
    }

    /// Loads the files of a configuration: one file, or every `*.alloy` of a directory.
    public static func load(_ files: [File], registry: Registry) throws(Diagnostics) -> ConfigGraph {
        var diags = Diagnostics()
        var nodes: [ComponentNode] = []
        var seen: [String: (SourceFile, Int)] = [:]
        var logging = LoggingConfig()
        var loggingSeen = false
        var liveDebugging = false
        var liveDebuggingSeen = false

        for file in files {
            let src = file.source
            for stmt in file.body {
                switch stmt {
                case .attribute(let a):
                    diags.append(Diagnostic(file: src, start: a.nameOffset, end: a.nameOffset + a.name.utf8.count - 1,
                                            message: "unrecognized attribute name \"\(a.name)\": attributes are not allowed at the top level"))
                case .block(let b):
                    let name = b.fullName
                    let anchor = (b.nameOffset, b.nameOffset + name.utf8.count - 1)
                    switch name {
                    case "logging":
                        if loggingSeen {
                            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: "block logging already declared"))
                        }
                        loggingSeen = true
                        var d = BodyDecoder(evaluator: Evaluator(source: src), body: b.body, anchor: anchor)
                        logging.level = d.attribute("level", default: "info")
                        logging.format = d.attribute("format", default: "logfmt")
                        if d.has("write_to") {
                            d.evaluatedLater("write_to")
                            if registry.loggingWriteTo == nil { d.error("write_to is not supported here", attribute: "write_to") }
                            for case .attribute(let a) in b.body where a.name == "write_to" { logging.writeTo = a }
                            logging.source = src
                            logging.writeToType = registry.loggingWriteTo
                        }
                        if !["debug", "info", "warn", "error"].contains(logging.level) {
                            d.error("unrecognized log level \"\(logging.level)\"", attribute: "level")
                        }
                        if !["logfmt", "json"].contains(logging.format) {
                            d.error("unrecognized log format \"\(logging.format)\"", attribute: "format")
                        }
                        d.finish()
                        diags.append(contentsOf: d.diagnostics)
                        continue
                    case "livedebugging":
                        if liveDebuggingSeen {
                            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: "block livedebugging already declared"))
                        }
                        liveDebuggingSeen = true
                        var d = BodyDecoder(evaluator: Evaluator(source: src), body: b.body, anchor: anchor)
                        liveDebugging = d.attribute("enabled", default: false)
                        d.finish()
                        diags.append(contentsOf: d.diagnostics)
                        continue
                    case "tracing", "http", "remotecfg":
                        diags.append(Diagnostic(.warning, file: src, start: anchor.0, end: anchor.1,
                                                message: "the \(name) block is not supported by Tributary and is ignored"))
                        continue
                    case "declare", "argument", "export", "foreach", "import.file", "import.string", "import.http", "import.git":
                        diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                                message: "\(name) blocks (modules) are not supported by Tributary"))
                        continue
                    default: break
                    }
                    guard let reg = registry.registrations[name] else {
                        if let note = registry.unsupportedNote(name) {
                            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                                    message: "component \"\(name)\" is not supported by Tributary" + (note.isEmpty ? "" : " " + note)))
                        } else {
                            var msg = "cannot find the definition of component name \"\(name)\""
                            if let s = suggestion(for: name, among: registry.allNames) { msg += "; did you mean \"\(s)\"?" }
                            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: msg))
                        }
                        continue
                    }
                    if b.label.isEmpty {
                        diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                                message: "component \"\(name)\" must have a label"))
                        continue
                    }
                    let id = name + "." + b.label
                    if let (f, o) = seen[id] {
                        diags.append(Diagnostic(file: src, start: anchor.0, end: b.labelOffset + b.label.utf8.count + 1,
                                                message: "block \(id) already declared at \(f.name):\(f.position(of: o))"))
                        continue
                    }
                    seen[id] = (src, b.nameOffset)
                    nodes.append(ComponentNode(id: id, name: name, label: b.label, block: b, source: src, registration: reg))
                }
            }
        }

        // References between components.
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.id, $0) })
        let namespaces = Set(nodes.map { String($0.id.split(separator: ".").first!) })
        var warnings = Diagnostics()
        for i in nodes.indices {
            var deps = Set<Int>()
            forEachTraversal(in: nodes[i].block.body) { path, expr in
                for n in stride(from: path.count, through: 2, by: -1) {
                    let candidate = path[0..<n].joined(separator: ".")
                    if let j = index[candidate] {
                        if j == i {
                            diags.append(Diagnostic(file: nodes[i].source, start: expr.start, end: expr.end, message: "cannot reference self"))
                        } else {
                            deps.insert(j)
                        }
                        return
                    }
                }
                let first = path[0]
                if namespaces.contains(first) || Stdlib.root[first] == nil {
                    let full = path.joined(separator: ".")
                    var msg = "component \"\(full)\" does not exist or is out of scope"
                    if let s = suggestion(for: full, among: nodes.map { $0.id + "." + (path.last ?? "") }) {
                        msg += "; did you mean \"\(s)\"?"
                    }
                    if namespaces.contains(first) || path.count > 1 || registry.allNames.contains(where: { $0.hasPrefix(first + ".") }) {
                        diags.append(Diagnostic(file: nodes[i].source, start: expr.start, end: expr.end, message: msg))
                    } else {
                        diags.append(Diagnostic(file: nodes[i].source, start: expr.start, end: expr.end,
                                                message: "identifier \"\(first)\" does not exist"))
                    }
                } else if Stdlib.deprecated.contains(first) {
                    warnings.append(Diagnostic(.warning, file: nodes[i].source, start: expr.start, end: expr.end,
                                               message: "this stdlib function is deprecated; please refer to the documentation for updated usage and alternatives"))
                }
            }
            nodes[i].dependencies = deps.sorted()
        }
        if diags.hasErrors { throw diags }

        // Order by dependencies; report cycles.
        let order: [Int]
        do throws(Diagnostics) { order = try topologicalOrder(nodes) } catch {
            throw error
        }
        var remap = [Int](repeating: 0, count: nodes.count)
        for (newIndex, old) in order.enumerated() { remap[old] = newIndex }
        var sorted = order.map { nodes[$0] }
        for k in sorted.indices { sorted[k].dependencies = sorted[k].dependencies.map { remap[$0] }.sorted() }
        var graph = ConfigGraph(nodes: sorted)
        graph.logging = logging
        graph.liveDebugging = liveDebugging
        warnings.append(contentsOf: diags)
        graph.warnings = warnings
        return graph
    }
}

/// Dependency order (dependencies first, otherwise file order); a cycle is an error naming its members.
func topologicalOrder(_ nodes: [ComponentNode]) throws(Diagnostics) -> [Int] {
    var state = [Int](repeating: 0, count: nodes.count)   // 0 new, 1 on stack, 2 done
    var order: [Int] = []
    var stack: [Int] = []
    var diags = Diagnostics()
    func visit(_ i: Int) -> Bool {
        if state[i] == 2 { return true }
        if state[i] == 1 {
            let start = stack.firstIndex(of: i)!
            let cycle = stack[start...].map { nodes[$0].id } + [nodes[i].id]
            for k in stack[start...] {
                let n = nodes[k]
                diags.append(Diagnostic(file: n.source, start: n.block.nameOffset, end: n.block.nameOffset + n.name.utf8.count - 1,
                                        message: "cycle detected: \(cycle.joined(separator: " -> "))"))
            }
            return false
        }
        state[i] = 1
        stack.append(i)
        for d in nodes[i].dependencies where !visit(d) { return false }
        stack.removeLast()
        state[i] = 2
        order.append(i)
        return true
    }
    for i in nodes.indices where state[i] == 0 {
        if !visit(i) { throw diags }
    }
    return order
}
