import Runtime

/// Converts targets to the `list(map(string))` value components export.
func targetsValue(_ targets: [[String: String]]) -> Value {
    .array(targets.map { t in .object(t.mapValues { .string($0) }) })
}

/// A wake-up signal a component's loop waits on, with a timeout (argument updates, periodic work).
final class WakeSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    func signal() { continuation.yield() }

    /// Returns when signalled or after `timeout`, whichever comes first (or at cancellation).
    func wait(timeout: Duration) async {
        let s = stream
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var it = s.makeAsyncIterator()
                _ = await it.next()
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }
}
