import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// An error from libsystemd, with the call that failed and the system's message.
public struct JournalError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    init(_ call: String, _ result: Int32) {
        message = "\(call) failed: \(String(cString: strerror(-result)))"
    }
    public var description: String { message }
}

/// One open systemd journal (`sd_journal`), read through libsystemd.
///
/// libsystemd's journal objects must stay on the thread that uses them: a `SystemJournal` is owned by one
/// ``JournalReader`` thread and never shared, which is why it is not `Sendable`. Blocking calls (`wait`) therefore
/// never run on Swift's cooperative pool.
final class SystemJournal {
    private let handle: OpaquePointer

    /// Opens the local system journal (`path` empty: `/var/log/journal` and `/run/log/journal`) or the journal
    /// files of one directory.
    init(path: String) throws(JournalError) {
        var j: OpaquePointer? = nil
        let r = path.isEmpty ? sd_journal_open(&j, Int32(SD_JOURNAL_LOCAL_ONLY)) : sd_journal_open_directory(&j, path, 0)
        guard r >= 0, let j else {
            throw JournalError(path.isEmpty ? "sd_journal_open" : "sd_journal_open_directory(\(path))", r)
        }
        handle = j
        // Whole fields, never a 64 KiB prefix of a large compressed MESSAGE.
        _ = sd_journal_set_data_threshold(j, 0)
    }

    deinit { sd_journal_close(handle) }

    /// Adds the terms of `matches`: terms of one group are ANDed (a repeated field ORs, as systemd does), groups
    /// are ORed (`sd_journal_add_disjunction`).
    func add(_ matches: JournalMatches) throws(JournalError) {
        for (n, group) in matches.groups.enumerated() {
            if n > 0 {
                let r = sd_journal_add_disjunction(handle)
                if r < 0 { throw JournalError("sd_journal_add_disjunction", r) }
            }
            for term in group {
                let r = term.withCString { sd_journal_add_match(handle, $0, 0) }
                if r < 0 { throw JournalError("sd_journal_add_match(\(term))", r) }
            }
        }
    }

    /// Whether any journal file was found (persistent or runtime).
    var hasFiles: Bool { sd_journal_has_persistent_files(handle) > 0 || sd_journal_has_runtime_files(handle) > 0 }

    /// Moves to the next entry; false at the end of the journal.
    func next() throws(JournalError) -> Bool {
        let r = sd_journal_next(handle)
        if r < 0 { throw JournalError("sd_journal_next", r) }
        return r > 0
    }

    /// Positions before the first entry received at or after `usec` (wall-clock microseconds).
    func seek(realtimeMicroseconds usec: UInt64) throws(JournalError) {
        let r = sd_journal_seek_realtime_usec(handle, usec)
        if r < 0 { throw JournalError("sd_journal_seek_realtime_usec", r) }
    }

    /// Positions at the entry of `cursor`, or at the closest entry to where it was.
    func seek(cursor: String) throws(JournalError) {
        let r = cursor.withCString { sd_journal_seek_cursor(handle, $0) }
        if r < 0 { throw JournalError("sd_journal_seek_cursor", r) }
    }

    /// Whether the current entry is the one `cursor` names.
    func isAt(cursor: String) -> Bool {
        cursor.withCString { sd_journal_test_cursor(handle, $0) } > 0
    }

    /// The cursor of the current entry.
    func cursor() throws(JournalError) -> String {
        var c: UnsafeMutablePointer<CChar>? = nil
        let r = sd_journal_get_cursor(handle, &c)
        guard r >= 0, let c else { throw JournalError("sd_journal_get_cursor", r) }
        defer { free(c) }
        return String(cString: c)
    }

    /// When the current entry was received (wall clock, microseconds).
    func realtimeMicroseconds() throws(JournalError) -> UInt64 {
        var usec: UInt64 = 0
        let r = sd_journal_get_realtime_usec(handle, &usec)
        if r < 0 { throw JournalError("sd_journal_get_realtime_usec", r) }
        return usec
    }

    /// Calls `body` with each `FIELD=value` of the current entry, as bytes that stay valid only during the call.
    /// Fields libsystemd cannot decode (an unsupported compression) are skipped.
    func forEachField(_ body: (UnsafeRawBufferPointer) -> Void) throws(JournalError) {
        sd_journal_restart_data(handle)
        var data: UnsafeRawPointer? = nil
        var length = 0
        while true {
            let r = sd_journal_enumerate_available_data(handle, &data, &length)
            if r < 0 { throw JournalError("sd_journal_enumerate_data", r) }
            guard r > 0, let data else { return }
            body(UnsafeRawBufferPointer(start: data, count: length))
        }
    }

    /// What ``wait(microseconds:)`` saw.
    enum Change { case none, appended, filesChanged }

    /// Blocks until the journal changes or `microseconds` pass. New, rotated and removed files are picked up here.
    func wait(microseconds: UInt64) throws(JournalError) -> Change {
        let r = sd_journal_wait(handle, microseconds)
        if r < 0 { throw JournalError("sd_journal_wait", r) }
        switch r {
        case Int32(SD_JOURNAL_APPEND): return .appended
        case Int32(SD_JOURNAL_INVALIDATE): return .filesChanged
        default: return .none
        }
    }
}
