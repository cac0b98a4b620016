import Platform
import LogCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The live positions table of one component, persisted to its positions file.
///
/// Tailers record a position only after the entries up to it were acknowledged downstream. The table is written
/// when it changed, by ``sync()``, which the component calls every sync interval and at shutdown.
public final class PositionsStore: Sendable {
    /// An error reading or writing the positions file, with the path and the system's message.
    public struct StoreError: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    private struct State {
        var table: [PositionKey: Position] = [:]
        var corrupt: [PositionKey: String] = [:]
        /// Lines of the file that could not be attributed to any path.
        var unattributedCorruption: [String] = []
        var usesLegacy = false
        var dirty = false
        var active: Set<PositionKey> = []
        var lastActive: [PositionKey: Int64] = [:]
    }

    public let path: String
    private let state: Mutex<State>

    /// Loads `path` (missing is fine). When the file is missing or empty and `legacyPath` names a Promtail
    /// positions file, its entries are imported once (with labels `{}`).
    public init(path: String, legacyPath: String? = nil) throws(StoreError) {
        self.path = path
        var s = State()
        let bytes = try PositionsStore.readFile(path)
        if let bytes, !bytes.isEmpty {
            let (table, corrupt) = PositionsFile.decode(bytes)
            s.table = table
            for c in corrupt {
                if let k = c.key { s.corrupt[k] = c.reason } else { s.unattributedCorruption.append(c.reason) }
            }
        }
        if let legacyPath, !legacyPath.isEmpty {
            if let legacyBytes = try PositionsStore.readFile(legacyPath) {
                let legacy = PositionsFile.decodeLegacy(legacyBytes)
                s.usesLegacy = true
                if bytes?.isEmpty ?? true {
                    s.table = legacy
                    s.dirty = !legacy.isEmpty
                }
            }
        }
        let now = Int64(clockSeconds())
        for k in s.table.keys { s.lastActive[k] = now }
        state = Mutex(s)
    }

    private static func readFile(_ path: String) throws(StoreError) -> [UInt8]? {
        do throws(FileIOError) { return try FileIO.readIfExists(path) } catch {
            throw StoreError(path: path, message: error.message)
        }
    }

    /// The stored position of `key`, falling back to an imported legacy entry `(path, "{}")`.
    public func position(for key: PositionKey) -> Position? {
        state.withLock { s in
            if let p = s.table[key] { return p }
            guard s.usesLegacy else { return nil }
            return s.table[PositionKey(path: key.path, labels: "{}")]
        }
    }

    /// Why the stored entry for `key` could not be read, if it could not; also reports corruption of the file
    /// that cannot be attributed to a path (then every file without a valid entry is affected).
    public func corruption(for key: PositionKey) -> String? {
        state.withLock { s in
            if let r = s.corrupt[key] { return r }
            if s.table[key] == nil, let first = s.unattributedCorruption.first { return first }
            return nil
        }
    }

    /// Records a position (after acknowledgement).
    public func update(_ key: PositionKey, _ position: Position) {
        state.withLock { s in
            if s.table[key] != position {
                s.table[key] = position
                s.dirty = true
            }
            s.corrupt[key] = nil
        }
    }

    public func remove(_ key: PositionKey) {
        state.withLock { s in
            if s.table.removeValue(forKey: key) != nil { s.dirty = true }
            s.lastActive[key] = nil
        }
    }

    /// Marks whether a tailer currently reads `key`; inactive entries may be forgotten by ``forgetStale``.
    public func setActive(_ key: PositionKey, _ active: Bool) {
        state.withLock { s in
            if active { s.active.insert(key) } else { s.active.remove(key) }
            s.lastActive[key] = Int64(clockSeconds())
        }
    }

    /// Forgets entries no tailer has used for a while: after `missingAfter` seconds when the file no longer
    /// exists, after `unusedAfter` seconds otherwise.
    public func forgetStale(missingAfter: Int64 = 600, unusedAfter: Int64 = 86400) {
        let now = Int64(clockSeconds())
        let candidates = state.withLock { s in
            s.table.keys.filter { !s.active.contains($0) && now - (s.lastActive[$0] ?? now) > min(missingAfter, unusedAfter) }
        }
        var forget: [PositionKey] = []
        for k in candidates {
            var st = stat()
            let exists = stat(k.path, &st) == 0
            let idle = now - (state.withLock { $0.lastActive[k] } ?? now)
            if (!exists && idle > missingAfter) || idle > unusedAfter { forget.append(k) }
        }
        guard !forget.isEmpty else { return }
        state.withLock { s in
            for k in forget where !s.active.contains(k) {
                s.table[k] = nil
                s.lastActive[k] = nil
                s.dirty = true
            }
        }
    }

    /// A copy of the table (for tests and debugging).
    public var snapshot: [PositionKey: Position] { state.withLock { $0.table } }

    /// Writes the table if it changed: temporary file, fsync, rename, fsync of the directory.
    public func sync() throws(StoreError) {
        let (bytes, dirty) = state.withLock { s -> ([UInt8], Bool) in
            guard s.dirty else { return ([], false) }
            s.dirty = false
            return (PositionsFile.encode(s.table), true)
        }
        guard dirty else { return }
        do throws(StoreError) { try writeAtomically(bytes) } catch {
            state.withLock { $0.dirty = true }
            throw error
        }
    }

    private func writeAtomically(_ bytes: [UInt8]) throws(StoreError) {
        do throws(FileIOError) { try FileIO.writeAtomically(path, bytes, mode: 0o600, durable: true) } catch {
            throw StoreError(path: error.path, message: error.message)
        }
    }
}

func clockSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
