import Evaluation
import Syntax

/// Turns the statements of a configuration, or of a module body, into a ``ConfigGraph``: the configuration blocks,
/// the `declare` and `import.*` blocks (custom component definitions), and the component nodes with their
/// references. A custom component instance carries its definition's body loaded as a graph of its own, a `foreach`
/// its template's.
struct GraphLoader {
    /// Where a body is written: the configuration itself, a custom component's body, or a `foreach` template.
    struct Context {
        enum Kind { case root, declare, template }
        var kind: Kind
        /// The custom components visible from the enclosing bodies.
        var scope: ModuleScope
        /// The identifiers the body may read from outside (dotted component ids, a `foreach` var, `module_path`).
        var external: Set<String>

        /// The configuration itself, with the constants every body reads (`module_path`).
        static func root(variables: [String: Value]) -> Context {
            Context(kind: .root, scope: ModuleScope(parent: nil, variables: variables), external: Set(variables.keys))
        }
    }

    let registry: Registry
    let fetched: FetchedModules
    private(set) var importedSources: [ImportedSource] = []
    /// The `import.http` blocks whose modules are not in `fetched`.
    private(set) var toFetch: [HTTPImportBlock] = []
    /// The definitions whose bodies are being loaded (a definition that instantiates itself is an error).
    private var loading: [ObjectIdentifier] = []

    init(registry: Registry, fetched: FetchedModules) {
        self.registry = registry
        self.fetched = fetched
    }

    mutating func load(_ bodies: [(SourceFile, [Statement])], context: Context) throws(Diagnostics) -> ConfigGraph {
        var diags = Diagnostics()
        var warnings = Diagnostics()
        let scope = ModuleScope(parent: context.scope, variables: context.scope.variables)
        var definitions: [String: (SourceFile, Int)] = [:]

        // Definitions first: a body may instantiate a declare or an import written after it.
        for (src, body) in bodies {
            for case .block(let b) in body {
                switch b.fullName {
                case "declare":
                    diags.append(contentsOf: declare(b, src, into: scope, seen: &definitions))
                case "import.file", "import.string", "import.http", "import.git":
                    if duplicate(b, src, &definitions, &diags) { continue }
                    diags.append(contentsOf: importModule(b, src, into: scope, variables: scope.variables))
                default: break
                }
            }
        }

        var nodes: [ComponentNode] = []
        var seen: [String: (SourceFile, Int)] = [:]
        var configuration = ConfigurationBlocks()
        for (src, body) in bodies {
            for stmt in body {
                switch stmt {
                case .attribute(let a):
                    diags.append(Diagnostic(file: src, start: a.nameOffset, end: a.nameOffset + a.name.utf8.count - 1,
                                            message: "unrecognized attribute name \"\(a.name)\": attributes are not allowed at the top level"))
                case .block(let b):
                    let name = b.fullName
                    let anchor = (b.nameOffset, b.nameOffset + name.utf8.count - 1)
                    switch name {
                    case "declare", "import.file", "import.string", "import.http", "import.git":
                        continue
                    case "logging", "livedebugging", "tracing", "http", "remotecfg":
                        if context.kind == .root {
                            configuration.read(b, src, registry: registry, diags: &diags)
                        } else {
                            let what = ["logging", "tracing"].contains(name) ? "\(name) block" : "service blocks"
                            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                                    message: what == "service blocks" ? "service blocks not allowed inside a module: \"\(name)\""
                                                        : "\(what) not allowed inside a module"))
                        }
                        continue
                    case "argument", "export":
                        if context.kind != .declare {
                            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                                    message: "\(name) blocks only allowed inside a module"))
                            continue
                        }
                    default: break
                    }
                    guard let reg = registration(for: b, src, scope: scope, diags: &diags) else { continue }
                    if b.label.isEmpty {
                        let what = ["argument", "export", "foreach"].contains(name) ? "\(name) block" : "component \"\(name)\""
                        diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: "\(what) must have a label"))
                        continue
                    }
                    let id = name + "." + b.label
                    if let (f, o) = seen[id] {
                        diags.append(Diagnostic(file: src, start: anchor.0, end: b.labelOffset + b.label.utf8.count + 1,
                                                message: "block \(id) already declared at \(f.name):\(f.position(of: o))"))
                        continue
                    }
                    seen[id] = (src, b.nameOffset)
                    var node = ComponentNode(id: id, name: name, label: b.label, block: b, source: src, registration: reg.registration)
                    node.module = reg.module
                    nodes.append(node)
                }
            }
        }

        // Templates of foreach blocks read the ids of this body, so they load once every id is known.
        let localIDs = Set(nodes.map(\.id))
        for i in nodes.indices where nodes[i].name == "foreach" {
            let n = nodes[i]
            guard let variable = foreachVariable(n, &diags) else { continue }
            let template = n.block.body.compactMap { s -> Block? in
                if case .block(let t) = s, t.fullName == "template" { return t } else { return nil }
            }.first
            let inner = Context(kind: .template, scope: scope, external: localIDs.union(context.external).union([variable]))
            do throws(Diagnostics) {
                let graph = try load([(n.source, template?.body ?? [])], context: inner)
                warnings.append(contentsOf: graph.warnings)
                let module = ModuleTemplate(kind: .foreach, graph: graph, variables: [:])
                nodes[i].module = module
                nodes[i].registration = ForeachComponent.registration(template: module)
            } catch {
                diags.append(contentsOf: error)
            }
        }

        resolveReferences(&nodes, external: context.external, diags: &diags, warnings: &warnings)
        if diags.hasErrors { throw diags }

        let order = try topologicalOrder(nodes)
        var remap = [Int](repeating: 0, count: nodes.count)
        for (newIndex, old) in order.enumerated() { remap[old] = newIndex }
        var sorted = order.map { nodes[$0] }
        for k in sorted.indices { sorted[k].dependencies = sorted[k].dependencies.map { remap[$0] }.sorted() }
        var graph = ConfigGraph(nodes: sorted)
        graph.logging = configuration.logging
        graph.liveDebugging = configuration.liveDebugging
        warnings.append(contentsOf: configuration.warnings)
        warnings.append(contentsOf: diags)
        graph.warnings = warnings
        return graph
    }

    // MARK: components

    /// The registration a block instantiates: a built-in component, a custom component (its body loaded), the
    /// module blocks, or nil with the diagnostic.
    private mutating func registration(for b: Block, _ src: SourceFile, scope: ModuleScope,
                                       diags: inout Diagnostics) -> (registration: ComponentRegistration, module: ModuleTemplate?)? {
        let name = b.fullName
        let anchor = (b.nameOffset, b.nameOffset + name.utf8.count - 1)
        switch name {
        case "argument": return (ArgumentComponent.registration, nil)
        case "export": return (ExportComponent.registration, nil)
        case "foreach": return (ForeachComponent.placeholder, nil)
        default: break
        }
        if let reg = registry.registrations[name] { return (reg, nil) }
        if let definition = scope.definition(for: name) {
            if loading.contains(ObjectIdentifier(definition)) {
                diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                        message: "custom component \"\(name)\" instantiates itself"))
                return nil
            }
            loading.append(ObjectIdentifier(definition))
            defer { loading.removeLast() }
            let result = definition.template { () -> Result<ModuleTemplate, Diagnostics> in
                let context = Context(kind: .declare, scope: definition.scope, external: Set(definition.scope.variables.keys))
                do throws(Diagnostics) {
                    let graph = try load([(definition.source, definition.block.body)], context: context)
                    return .success(ModuleTemplate(kind: .declare, graph: graph, variables: definition.scope.variables))
                } catch {
                    return .failure(error)
                }
            }
            switch result {
            case .success(let template): return (CustomComponent.registration(name, template: template), template)
            case .failure(let error):
                diags.append(contentsOf: error)
                return nil
            }
        }
        if let note = registry.unsupportedNote(name) {
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                    message: "component \"\(name)\" is not supported by Tributary" + (note.isEmpty ? "" : " " + note)))
        } else {
            var msg = "cannot find the definition of component name \"\(name)\""
            if let s = suggestion(for: name, among: registry.allNames + scope.allNames) { msg += "; did you mean \"\(s)\"?" }
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: msg))
        }
        return nil
    }

    /// The `var` of a foreach block: a string written as a literal (the template's identifiers must be known
    /// before anything is evaluated).
    private func foreachVariable(_ n: ComponentNode, _ diags: inout Diagnostics) -> String? {
        for case .attribute(let a) in n.block.body where a.name == "var" {
            if case .string(let s)? = try? Evaluator(source: n.source).evaluate(a.value), !s.isEmpty { return s }
            diags.append(Diagnostic(file: n.source, start: a.nameOffset, end: a.value.end,
                                    message: "var must be a non-empty string written as a literal"))
            return nil
        }
        diags.append(Diagnostic(file: n.source, start: n.block.nameOffset, end: n.block.lcurly, message: "missing required attribute \"var\""))
        return nil
    }

    /// Links every node to the nodes it references; identifiers from outside the body are recorded, anything
    /// else that is neither a component nor the standard library is an error. In a foreach template, names that
    /// are not the enclosing body's are the template's own (checked when the template loads).
    private func resolveReferences(_ nodes: inout [ComponentNode], external: Set<String>, diags: inout Diagnostics, warnings: inout Diagnostics) {
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($1.id, $0) })
        let namespaces = Set(nodes.map { String($0.id.split(separator: ".").first!) } + external.map { String($0.split(separator: ".").first!) })
        for i in nodes.indices {
            var deps = Set<Int>()
            var outside = Set<String>()
            let node = nodes[i]
            func resolve(_ path: [String], _ expr: Expr, lenient: Bool) {
                for n in stride(from: path.count, through: 1, by: -1) {
                    let candidate = path[0..<n].joined(separator: ".")
                    if let j = index[candidate] {
                        if j == i {
                            if !lenient { diags.append(Diagnostic(file: node.source, start: expr.start, end: expr.end, message: "cannot reference self")) }
                        } else {
                            deps.insert(j)
                        }
                        return
                    }
                    if external.contains(candidate) {
                        outside.insert(candidate)
                        return
                    }
                }
                if lenient { return }
                let first = path[0]
                if namespaces.contains(first) || Stdlib.root[first] == nil {
                    let full = path.joined(separator: ".")
                    var msg = "component \"\(full)\" does not exist or is out of scope"
                    if let s = suggestion(for: full, among: nodes.map { $0.id + "." + (path.last ?? "") }) {
                        msg += "; did you mean \"\(s)\"?"
                    }
                    if namespaces.contains(first) || path.count > 1 || registry.allNames.contains(where: { $0.hasPrefix(first + ".") }) {
                        diags.append(Diagnostic(file: node.source, start: expr.start, end: expr.end, message: msg))
                    } else {
                        diags.append(Diagnostic(file: node.source, start: expr.start, end: expr.end,
                                                message: "identifier \"\(first)\" does not exist"))
                    }
                } else if Stdlib.deprecated.contains(first) {
                    warnings.append(Diagnostic(.warning, file: node.source, start: expr.start, end: expr.end,
                                               message: "this stdlib function is deprecated; please refer to the documentation for updated usage and alternatives"))
                }
            }
            for stmt in node.block.body {
                let isTemplate = node.name == "foreach" && { if case .block(let t) = stmt { return t.fullName == "template" } else { return false } }()
                forEachTraversal(in: [stmt]) { path, expr in resolve(path, expr, lenient: isTemplate) }
            }
            nodes[i].dependencies = deps.sorted()
            nodes[i].externalReferences = outside.sorted()
        }
    }

    // MARK: declare and import

    /// A declare block: its definition joins `scope`.
    private func declare(_ b: Block, _ src: SourceFile, into scope: ModuleScope, seen: inout [String: (SourceFile, Int)]) -> Diagnostics {
        var diags = Diagnostics()
        let anchor = (b.nameOffset, b.nameOffset + "declare".utf8.count - 1)
        if b.label.isEmpty {
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: "declare block must have a label"))
            return diags
        }
        if b.label == "declare" {
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: "'declare' is not a valid label for a declare block"))
            return diags
        }
        if b.label.contains(".") || registry.registrations[b.label] != nil {
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                    message: "invalid declare label \"\(b.label)\": a custom component's name has no dots and is not a built-in component's"))
            return diags
        }
        if duplicate(b, src, &seen, &diags) { return diags }
        scope.declare(ModuleDefinition(name: b.label, block: b, source: src, scope: scope))
        return diags
    }

    /// Whether a declare or import with this label is already written in the body (then reported).
    private func duplicate(_ b: Block, _ src: SourceFile, _ seen: inout [String: (SourceFile, Int)], _ diags: inout Diagnostics) -> Bool {
        if b.label.isEmpty { return false }
        if seen[b.label] != nil {
            diags.append(Diagnostic(file: src, start: b.nameOffset, end: b.labelOffset + b.label.utf8.count + 1,
                                    message: "duplicate definition of \"\(b.label)\""))
            return true
        }
        seen[b.label] = (src, b.nameOffset)
        return false
    }

    /// An import block: reads its module (a file, every `*.alloy` file of a directory, a string, or fetched over
    /// HTTP) and adds the module's declares under the block's label.
    private mutating func importModule(_ b: Block, _ src: SourceFile, into scope: ModuleScope, variables: [String: Value],
                                       insideHTTP: Bool = false) -> Diagnostics {
        var diags = Diagnostics()
        let name = b.fullName
        let anchor = (b.nameOffset, b.nameOffset + name.utf8.count - 1)
        if b.label.isEmpty {
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: "\(name) block must have a label"))
            return diags
        }
        if name == "import.git" {
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                    message: "import.git is not supported by Tributary: import the module with import.file from a checkout, or with import.http"))
            return diags
        }
        if insideHTTP && name == "import.file" {
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1,
                                    message: "importing a module via import.http that contains an import.file block is not supported"))
            return diags
        }
        var d = BodyDecoder(evaluator: Evaluator(source: src, scope: variables), body: b.body, anchor: (b.nameOffset, b.lcurly))
        let read = ImportReading.read(b, &d, variables: variables, fetched: fetched)
        d.finish()
        diags.append(contentsOf: d.diagnostics)
        if d.diagnostics.hasErrors { return diags }
        let module: ImportedModule
        switch read {
        case .success(let m): module = m
        case .failure(let message):
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: message))
            return diags
        case .notFetched(let block):
            toFetch.append(block)
            diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: "the module at \(block.request.url) is not fetched"))
            return diags
        }
        if let watched = module.watched { importedSources.append(watched) }

        let moduleScope = ModuleScope(parent: nil, variables: module.modulePath.map { ["module_path": .string($0)] } ?? [:])
        var seen: [String: (SourceFile, Int)] = [:]
        for file in module.files {
            let parsed: File
            do throws(Diagnostics) { parsed = try Parser.parse(file) } catch {
                diags.append(contentsOf: error)
                continue
            }
            for stmt in parsed.body {
                guard case .block(let inner) = stmt else {
                    if case .attribute(let a) = stmt {
                        diags.append(Diagnostic(file: file, start: a.nameOffset, end: a.nameOffset + a.name.utf8.count - 1,
                                                message: "only declare and import blocks are allowed in a module"))
                    }
                    continue
                }
                switch inner.fullName {
                case "declare":
                    diags.append(contentsOf: declare(inner, file, into: moduleScope, seen: &seen))
                case "import.file", "import.string", "import.http", "import.git":
                    if duplicate(inner, file, &seen, &diags) { continue }
                    diags.append(contentsOf: importModule(inner, file, into: moduleScope, variables: moduleScope.variables,
                                                          insideHTTP: insideHTTP || name == "import.http"))
                default:
                    diags.append(Diagnostic(file: file, start: inner.nameOffset, end: inner.nameOffset + inner.fullName.utf8.count - 1,
                                            message: "only declare and import blocks are allowed in a module, got \(inner.fullName)"))
                }
            }
        }
        scope.addImport(b.label, moduleScope)
        return diags
    }
}

/// The unlabeled configuration blocks of the top level: `logging`, `livedebugging`, and the service blocks
/// Tributary ignores with a warning.
struct ConfigurationBlocks {
    var logging = LoggingConfig()
    var liveDebugging = false
    var warnings = Diagnostics()
    private var seen: Set<String> = []

    mutating func read(_ b: Block, _ src: SourceFile, registry: Registry, diags: inout Diagnostics) {
        let name = b.fullName
        let anchor = (b.nameOffset, b.nameOffset + name.utf8.count - 1)
        switch name {
        case "logging", "livedebugging":
            if seen.contains(name) {
                diags.append(Diagnostic(file: src, start: anchor.0, end: anchor.1, message: "block \(name) already declared"))
            }
            seen.insert(name)
        default:
            warnings.append(Diagnostic(.warning, file: src, start: anchor.0, end: anchor.1,
                                       message: "the \(name) block is not supported by Tributary and is ignored"))
            return
        }
        var d = BodyDecoder(evaluator: Evaluator(source: src), body: b.body, anchor: anchor)
        if name == "livedebugging" {
            liveDebugging = d.attribute("enabled", default: false)
        } else {
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
        }
        d.finish()
        diags.append(contentsOf: d.diagnostics)
    }
}
