import Synchronization
import Evaluation

/// `argument "name" { optional = …, default = …, comment = … }` in a module: exports `value`, the value the
/// instance gives (or `default`), and publishes it again when the instance's arguments change.
final class ArgumentComponent: Component {
    struct Arguments: Sendable {
        var defaultValue: Value?
        init(_ d: inout BodyDecoder) {
            _ = d.attribute("optional", default: false)
            _ = d.attribute("comment", default: "")
            defaultValue = d.optional("default", as: Value.self)
        }
    }

    private let name: String
    private let io: ModuleIO?
    private let publish: @Sendable ([String: Value]) -> Void
    /// The block's `default` and the value exported now.
    private let state: Mutex<(defaultValue: Value?, current: Value)>

    init(options: ComponentOptions, arguments: Arguments) {
        let name = String(options.localID.dropFirst("argument.".count))
        self.name = name
        io = options.module
        publish = options.onStateChange
        state = Mutex((arguments.defaultValue, io?.argument(name) ?? arguments.defaultValue ?? .null))
        io?.observeArgument(name) { [weak self] given in self?.refresh(given: given) }
    }

    /// Recomputes the value from what the instance gives and the default; publishes it when it changed.
    private func refresh(given: Value?) {
        let changed: Value? = state.withLock { s in
            let value = given ?? s.defaultValue ?? .null
            if value.equals(s.current) { return nil }
            s.current = value
            return value
        }
        if let changed { publish(["value": changed]) }
    }

    var exports: [String: Value] { ["value": state.withLock { $0.current }] }
    func run() async { await waitUntilCancelled() }
    func update(_ arguments: any Sendable) async throws {
        guard let a = arguments as? Arguments else {
            throw ArgumentsMismatch(expected: "\(Arguments.self)", got: "\(type(of: arguments))")
        }
        state.withLock { $0.defaultValue = a.defaultValue }
        refresh(given: io?.argument(name))
    }

    static let registration = ComponentRegistration(
        name: "argument", stability: .generallyAvailable, exports: ["value": .null],
        decode: { d in Arguments(&d) },
        build: { options, args in ArgumentComponent(options: options, arguments: args as! Arguments) })
}

/// `export "name" { value = … }` in a module: its value becomes the instance's export `name`.
final class ExportComponent: Component {
    struct Arguments: Sendable {
        var value: Value
        init(_ d: inout BodyDecoder) { value = d.required("value", as: Value.self) }
    }

    private let name: String
    private let io: ModuleIO?

    init(options: ComponentOptions, arguments: Arguments) {
        name = String(options.localID.dropFirst("export.".count))
        io = options.module
        io?.setExport(name, arguments.value)
    }

    var exports: [String: Value] { [:] }
    func run() async { await waitUntilCancelled() }
    func update(_ arguments: any Sendable) async throws {
        guard let a = arguments as? Arguments else {
            throw ArgumentsMismatch(expected: "\(Arguments.self)", got: "\(type(of: arguments))")
        }
        io?.setExport(name, a.value)
    }

    static let registration = ComponentRegistration(
        name: "export", stability: .generallyAvailable, exports: [:],
        decode: { d in Arguments(&d) },
        build: { options, args in ExportComponent(options: options, arguments: args as! Arguments) })
}

/// Stops a module's controller from a task that is being cancelled: the stop runs in a task of its own, so that
/// each component of the module still gets its drain time.
func stopOutsideCancellation(_ controller: Controller) async {
    await Task { await controller.stop() }.value
}

/// Sleeps until the task is cancelled (for components whose work happens in `update`).
func waitUntilCancelled() async {
    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
}
