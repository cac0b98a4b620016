import Synchronization
import Evaluation

/// What passes between a custom component instance and the controller running its body: the argument values the
/// instance was given (read by the body's `argument` blocks) and the values of the body's `export` blocks (the
/// instance's exports).
public final class ModuleIO: Sendable {
    private struct State {
        var arguments: [String: Value]
        var argumentListeners: [String: @Sendable (Value?) -> Void] = [:]
        var exports: [String: Value] = [:]
        var exportsSealed = false
    }
    private let state: Mutex<State>
    private let onExports: @Sendable ([String: Value]) -> Void

    init(arguments: [String: Value], onExports: @escaping @Sendable ([String: Value]) -> Void) {
        state = Mutex(State(arguments: arguments))
        self.onExports = onExports
    }

    /// The value given for argument `name`, nil when the instance does not set it.
    func argument(_ name: String) -> Value? { state.withLock { $0.arguments[name] } }

    /// Every value the instance gives.
    var givenArguments: [String: Value] { state.withLock { $0.arguments } }

    /// Calls `listener` with the argument's new given value whenever the instance's arguments change it.
    func observeArgument(_ name: String, _ listener: @escaping @Sendable (Value?) -> Void) {
        state.withLock { $0.argumentListeners[name] = listener }
    }

    /// New argument values from the instance: the `argument` blocks whose value changed publish it.
    func setArguments(_ values: [String: Value]) {
        let changed: [(@Sendable (Value?) -> Void, Value?)] = state.withLock { s in
            var out: [(@Sendable (Value?) -> Void, Value?)] = []
            for (name, listener) in s.argumentListeners {
                let old = s.arguments[name], new = values[name]
                let same = (old == nil && new == nil) || (old != nil && new != nil && old!.equals(new!))
                if !same { out.append((listener, new)) }
            }
            s.arguments = values
            return out
        }
        for (listener, value) in changed { listener(value) }
    }

    /// The current exports of the instance.
    var exports: [String: Value] { state.withLock { $0.exports } }

    /// An `export` block's new value; once the instance is built, its new exports are published.
    func setExport(_ name: String, _ value: Value) {
        let publish: [String: Value]? = state.withLock { s in
            if let old = s.exports[name], old.equals(value) { return nil }
            s.exports[name] = value
            return s.exportsSealed ? s.exports : nil
        }
        if let publish { onExports(publish) }
    }

    /// From now on export changes are published (the instance's first exports are read when it is built).
    func seal() { state.withLock { $0.exportsSealed = true } }
}
