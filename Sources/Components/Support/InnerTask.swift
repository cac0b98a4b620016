import Synchronization

/// The long-running task behind a component whose new arguments replace it: started, replaced on update (the
/// old one cancelled and awaited first), and stopped when the component's own run is cancelled.
final class InnerTask: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(_ body: @escaping @Sendable () async -> Void) {
        let t = Task { await body() }
        task.withLock { $0 = t }
    }

    /// Cancels the current task and waits for it to end.
    func stop() async {
        let t = task.withLock { t -> Task<Void, Never>? in
            defer { t = nil }
            return t
        }
        t?.cancel()
        await t?.value
    }

    /// Parks until the calling task (the component's `run`) is cancelled, then stops the inner task.
    func parkThenStop() async {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        await stop()
    }
}
