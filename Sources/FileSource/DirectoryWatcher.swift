import Platform
import Dispatch
import LogCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Wakes tailers when something changes in the directory of their file, through one inotify descriptor per
/// component. Polling remains the fallback: if inotify cannot be set up (or a watch cannot be added, e.g. at the
/// `max_user_watches` limit) tailers still notice changes at their poll frequency.
public final class DirectoryWatcher: Sendable {
    private struct State {
        var watches: [String: (wd: Int32, listeners: [Int: WakeSignal])] = [:]
        var byDescriptor: [Int32: String] = [:]
        var nextToken = 0
        var stopped = false
    }

    private let fd: Int32
    private let state = Mutex(State())

    /// Nil when inotify is unavailable.
    public init?() {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.fd = fd
        let queue = DispatchQueue(label: "tributary.inotify")
        queue.async { [self] in self.loop() }
    }

    /// Registers `signal` to be woken by changes in `directory`; returns a token for ``unregister``, or nil when
    /// the directory cannot be watched (then the caller relies on polling).
    public func register(directory: String, _ signal: WakeSignal) -> Int? {
        state.withLock { s -> Int? in
            guard !s.stopped else { return nil }
            s.nextToken += 1
            let token = s.nextToken
            if var w = s.watches[directory] {
                w.listeners[token] = signal
                s.watches[directory] = w
                return token
            }
            let mask = UInt32(IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
            let wd = inotify_add_watch(fd, directory, mask)
            guard wd >= 0 else { return nil }
            s.watches[directory] = (wd, [token: signal])
            s.byDescriptor[wd] = directory
            return token
        }
    }

    public func unregister(directory: String, token: Int) {
        state.withLock { s in
            guard var w = s.watches[directory] else { return }
            w.listeners[token] = nil
            if w.listeners.isEmpty {
                inotify_rm_watch(fd, w.wd)
                s.watches[directory] = nil
                s.byDescriptor[w.wd] = nil
            } else {
                s.watches[directory] = w
            }
        }
    }

    /// Stops the watcher thread and closes the descriptor.
    public func stop() {
        state.withLock { $0.stopped = true }
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while !state.withLock({ $0.stopped }) {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, 200)
            if r <= 0 { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { continue }
            var woken = Set<Int32>()
            buffer.withUnsafeBytes { raw in
                var off = 0
                let header = MemoryLayout<inotify_event>.size
                while off + header <= n {
                    let wd = raw.loadUnaligned(fromByteOffset: off, as: Int32.self)
                    let len = raw.loadUnaligned(fromByteOffset: off + 12, as: UInt32.self)
                    woken.insert(wd)
                    off += header + Int(len)
                }
            }
            let signals = state.withLock { s -> [WakeSignal] in
                var out: [WakeSignal] = []
                // wd -1 is IN_Q_OVERFLOW: events were lost, so every tailer looks at its file again.
                if woken.contains(-1) { return s.watches.values.flatMap { Array($0.listeners.values) } }
                for wd in woken {
                    if let dir = s.byDescriptor[wd], let w = s.watches[dir] { out.append(contentsOf: w.listeners.values) }
                }
                return out
            }
            for sig in signals { sig.signal() }
        }
        close(fd)
    }
}
