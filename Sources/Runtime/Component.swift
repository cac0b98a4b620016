import Synchronization
import Evaluation
import Logging
import Syntax

/// What the runtime hands a component: its id, its data directory and a way to publish new exports.
public struct ComponentOptions: Sendable {
    /// The component's id, e.g. `loki.source.file.pods`; inside a module, prefixed with the module's id as Alloy
    /// does (`custom.a/loki.source.file.pods`, `foreach.f/foreach_x_1/loki.echo.out`).
    public var id: String
    /// `<storage.path>/<id>`: the component's own data directory.
    public var dataPath: String
    /// Publishes new exports; dependents are re-evaluated and updated.
    public var onStateChange: @Sendable ([String: Value]) -> Void
    /// What the components of one agent share (one store per controller).
    public var shared: SharedObjects
    /// The id within its module, e.g. `loki.write.default` for `custom.a/loki.write.default`.
    public internal(set) var localID: String
    /// For the components of a custom component's body: the instance's arguments and exports.
    var module: ModuleIO? = nil
    /// Whether experimental features are allowed (custom components and `foreach` run their bodies with it).
    var allowExperimental = false

    public init(id: String, dataPath: String, shared: SharedObjects = SharedObjects(),
                onStateChange: @escaping @Sendable ([String: Value]) -> Void) {
        self.id = id
        self.localID = id
        self.dataPath = dataPath
        self.shared = shared
        self.onStateChange = onStateChange
    }

    /// The agent's logger with Alloy's `component_path` and `component_id` fields (the module the component runs
    /// in, `/` at the top level, and its local id), as every line a component logs carries them.
    public var logger: Logger {
        var l = Logger(label: "tributary")
        let (path, local) = ComponentMetrics.labels(forFullID: id)
        l[metadataKey: "component_path"] = "\(path)"
        l[metadataKey: "component_id"] = "\(local)"
        return l
    }
}

/// A running component. `run()` works until its task is cancelled, then drains what it holds and returns.
public protocol Component: AnyObject, Sendable {
    /// The exports after construction.
    var exports: [String: Value] { get }
    func run() async
    /// Applies new arguments (already decoded by the registration).
    func update(_ arguments: any Sendable) async throws
}

/// A component that runs a module: a custom component instance (one body) or a `foreach` (a body per item).
protocol ModuleHosting: Component {
    /// The controllers of the bodies it runs now.
    func moduleControllers() async -> [Controller]
}

/// A component's health, as Alloy reports it: unhealthy while it cannot do its work (e.g. its journal cannot be
/// opened), with the reason.
public struct ComponentHealth: Sendable, Equatable {
    public enum State: String, Sendable { case healthy, unhealthy, unknown, exited }
    public var state: State
    public var message: String
    /// When the health last changed (Unix nanoseconds; 0: unknown, the component's start is shown).
    public var updated: Int64
    public init(state: State, message: String, updated: Int64 = 0) {
        self.state = state
        self.message = message
        self.updated = updated
    }
}

/// A component that knows whether it is healthy. Components that do not report are healthy while they run.
public protocol HealthReporting: Component {
    var health: ComponentHealth { get }
}

/// A component that tells what it is doing now (Alloy's debug info, shown by the web API): the files it reads, the
/// state of its log and endpoints, its watches.
public protocol DebugInfoReporting: Component {
    var debugInfo: [EvaluatedStatement] { get }
}

/// Arguments of a component, decoded from its block body.
public protocol ComponentArguments: Sendable {
    init(_ decoder: inout BodyDecoder)
}

/// A component with typed arguments; its registration erases the type.
public protocol TypedComponent: Component {
    associatedtype Arguments: ComponentArguments
    init(options: ComponentOptions, arguments: Arguments) async throws
    func update(arguments: Arguments) async throws
}

extension TypedComponent {
    public func update(_ arguments: any Sendable) async throws {
        guard let a = arguments as? Arguments else {
            throw ArgumentsMismatch(expected: "\(Arguments.self)", got: "\(type(of: arguments))")
        }
        try await update(arguments: a)
    }
}

/// A component was handed arguments decoded for another kind of component (a bug in the runtime, reported rather
/// than ignored).
public struct ArgumentsMismatch: Error, CustomStringConvertible {
    public var expected: String
    public var got: String
    public var description: String { "arguments of type \(got) given to a component that takes \(expected)" }
}

/// How stable a component is, as Alloy labels them.
public enum Stability: String, Sendable { case generallyAvailable = "generally-available", publicPreview = "public-preview", experimental }

/// One registered component: its name, the exports it offers (as zero values for validation), and how to
/// decode its arguments and build it.
public struct ComponentRegistration: Sendable {
    public let name: String
    public let stability: Stability
    public let exports: [String: Value]
    let decode: @Sendable (inout BodyDecoder) -> any Sendable
    let build: @Sendable (ComponentOptions, any Sendable) async throws -> any Component

    init(name: String, stability: Stability, exports: [String: Value],
         decode: @escaping @Sendable (inout BodyDecoder) -> any Sendable,
         build: @escaping @Sendable (ComponentOptions, any Sendable) async throws -> any Component) {
        self.name = name
        self.stability = stability
        self.exports = exports
        self.decode = decode
        self.build = build
    }

    /// Decodes a body into this component's arguments (for tools that use them without building the component).
    public func arguments(_ d: inout BodyDecoder) -> any Sendable { decode(&d) }

    public init<C: TypedComponent>(_ name: String, _ type: C.Type, stability: Stability = .generallyAvailable,
                                   exports: [String: Value] = [:]) {
        self.name = name
        self.stability = stability
        self.exports = exports
        self.decode = { d in C.Arguments(&d) }
        self.build = { options, args in
            try await C(options: options, arguments: args as! C.Arguments)
        }
    }
}

/// The set of components a configuration may use, plus Alloy components that are recognised by name but not
/// implemented here (they get a clear "not supported" diagnostic rather than a parse error).
public struct Registry: Sendable {
    public private(set) var registrations: [String: ComponentRegistration] = [:]
    public private(set) var unsupported: [String: String] = [:]
    /// The type of the `logging` block's `write_to` (a list of log receivers), given by the module that knows what a
    /// receiver is; nil refuses `write_to`.
    public var loggingWriteTo: (any AlloyDecodable.Type)? = nil

    public init() {}

    /// Adds a registration; a duplicate name, or a name that is a prefix of another (`loki.source` vs
    /// `loki.source.file`), is a programming error.
    public mutating func register(_ r: ComponentRegistration) {
        precondition(registrations[r.name] == nil, "component \(r.name) registered twice")
        for other in registrations.keys {
            precondition(!other.hasPrefix(r.name + ".") && !r.name.hasPrefix(other + "."),
                         "component names \(other) and \(r.name) clash")
        }
        registrations[r.name] = r
    }

    public private(set) var unsupportedFamilies: [(prefix: String, note: String)] = []

    /// Records Alloy component names (or families ending in `.*`) that Tributary recognises but does not run,
    /// with a note added to the diagnostic (e.g. "yet").
    public mutating func markUnsupported(_ names: [String], note: String = "") {
        for n in names where registrations[n] == nil {
            if n.hasSuffix(".*") { unsupportedFamilies.append((String(n.dropLast(1)), note)) } else { unsupported[n] = note }
        }
    }

    /// Whether `name` is a known Alloy component that Tributary does not implement.
    public func isUnsupported(_ name: String) -> Bool { unsupportedNote(name) != nil }

    /// The note of an unsupported component, or nil when it is not one.
    public func unsupportedNote(_ name: String) -> String? {
        if let n = unsupported[name] { return n }
        return unsupportedFamilies.first { name.hasPrefix($0.prefix) }?.note
    }

    /// All component names, registered first.
    public var allNames: [String] { registrations.keys.sorted() + unsupported.keys.sorted() }
}

/// Objects the components of one agent share, one per type, made on first use (for example the marks that
/// durable receivers recovered and sources resume from).
public final class SharedObjects: Sendable {
    private let objects = Mutex<[ObjectIdentifier: any Sendable]>([:])

    public init() {}

    /// The shared object of type `T`, made by `make` if there is none yet.
    public func object<T: Sendable>(_ make: () -> T) -> T {
        objects.withLock { o in
            if let existing = o[ObjectIdentifier(T.self)] as? T { return existing }
            let made = make()
            o[ObjectIdentifier(T.self)] = made
            return made
        }
    }
}
