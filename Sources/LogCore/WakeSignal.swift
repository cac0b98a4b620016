/// A wake-up signal a loop waits on with a timeout: argument updates, file-change notifications, periodic work.
/// Signals sent while nobody waits are remembered (at most one).
public final class WakeSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    public func signal() { continuation.yield() }

    /// Returns true when signalled, false after `timeout` (or at cancellation).
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        let s = stream
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var it = s.makeAsyncIterator()
                return await it.next() != nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
