import Synchronization

/// A wake-up signal a loop waits on with a timeout: argument updates, file-change notifications, periodic work.
/// A signal sent while nobody waits is remembered (at most one). One waiter at a time.
public final class WakeSignal: Sendable {
    private struct State {
        var signalled = false
        var waiter: CheckedContinuation<Bool, Never>? = nil
        var generation = 0
        /// The generation whose wait ended (timeout or cancellation) before its continuation was installed.
        var ended = -1
    }
    private let state = Mutex(State())

    public init() {}

    public func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.signalled = true
            return nil
        }
        waiter?.resume(returning: true)
    }

    /// Resumes the waiter of `generation`, if it is still waiting, with `value`.
    private func finish(_ generation: Int, _ value: Bool) {
        let waiter = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard s.generation == generation else { return nil }
            guard let w = s.waiter else {
                s.ended = generation
                return nil
            }
            s.waiter = nil
            return w
        }
        waiter?.resume(returning: value)
    }

    /// Returns true when signalled, false after `timeout` or when the task is cancelled.
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        if state.withLock({ s in
            let was = s.signalled
            s.signalled = false
            return was
        }) { return true }
        if Task.isCancelled { return false }
        let generation = state.withLock { s -> Int in
            s.generation += 1
            return s.generation
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.finish(generation, false)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
                let immediate = state.withLock { s -> Bool? in
                    if s.signalled {
                        s.signalled = false
                        return true
                    }
                    if s.generation != generation || s.ended == generation { return false }
                    s.waiter = c
                    return nil
                }
                if let immediate { c.resume(returning: immediate) }
            }
        } onCancel: {
            finish(generation, false)
        }
    }
}
