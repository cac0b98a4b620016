import Synchronization
import Evaluation
import Logging

/// An instance of a `declare`d component: its body runs in a controller of its own whose components have ids
/// prefixed with the instance's (`<instance id>/<local id>`); its arguments reach the body's `argument` blocks and
/// the body's `export` blocks are its exports.
final class CustomComponent: ModuleHosting {
    struct Arguments: Sendable {
        var values: [String: Value]
        var template: ModuleTemplate
    }

    private let io: ModuleIO
    private let options: ComponentOptions
    private let body: Mutex<(controller: Controller, template: ModuleTemplate)>

    init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        io = ModuleIO(arguments: arguments.values, onExports: options.onStateChange)
        let controller = CustomComponent.controller(arguments.template, options: options, io: io)
        body = Mutex((controller, arguments.template))
        do { try await controller.start() } catch {
            await controller.stop()
            throw error
        }
        io.seal()
    }

    static func controller(_ template: ModuleTemplate, options: ComponentOptions, io: ModuleIO?,
                           variables: [String: Value] = [:], moduleID: String? = nil) -> Controller {
        Controller(graph: template.graph, storagePath: options.dataPath, allowExperimental: options.allowExperimental,
                   logger: options.logger, moduleID: moduleID ?? options.id,
                   external: template.variables.merging(variables) { $1 }, shared: options.shared, module: io)
    }

    var exports: [String: Value] { io.exports }

    func moduleControllers() async -> [Controller] { [body.withLock { $0.controller }] }

    func run() async {
        await waitUntilCancelled()
        await stopOutsideCancellation(body.withLock { $0.controller })
    }

    /// New argument values reach the body's `argument` blocks; a changed body (its declare, or an imported module,
    /// was edited) is applied to the running body as a reload.
    func update(_ arguments: any Sendable) async throws {
        guard let a = arguments as? Arguments else {
            throw ArgumentsMismatch(expected: "\(Arguments.self)", got: "\(type(of: arguments))")
        }
        let (controller, template) = body.withLock { ($0.controller, $0.template) }
        io.setArguments(a.values)
        if a.template.fingerprint != template.fingerprint {
            let result = await controller.reload(a.template.graph)
            if result.diagnostics.hasErrors { throw result.diagnostics }
            body.withLock { $0.template = a.template }
        }
    }

    /// The registration of instances of `definition`, whose body is `template`: arguments are checked against the
    /// body's `argument` blocks; the exports are the body's `export` blocks (null until evaluated).
    static func registration(_ name: String, template: ModuleTemplate) -> ComponentRegistration {
        let exports = Dictionary(template.graph.nodes.filter { $0.name == "export" }.map { ($0.label, Value.null) }) { a, _ in a }
        return ComponentRegistration(
            name: name, stability: .generallyAvailable, exports: exports,
            decode: { d in
                var values: [String: Value] = [:]
                let declared = Set(template.arguments.map(\.name))
                for n in d.attributeNames {
                    if !declared.contains(n) {
                        d.error("Provided argument \"\(n)\" is not defined in the module", attribute: n)
                        d.evaluatedLater(n)
                    } else if let v = d.optional(n, as: Value.self) {
                        values[n] = v
                    }
                }
                for a in template.arguments where !a.optional && !d.has(a.name) {
                    d.error("missing required argument \"\(a.name)\" to module")
                }
                return Arguments(values: values, template: template)
            },
            build: { options, args in try await CustomComponent(options: options, arguments: args as! Arguments) })
    }
}
