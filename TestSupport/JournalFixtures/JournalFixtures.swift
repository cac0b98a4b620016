import Foundation

/// One journal entry to write: its fields (bytes, so binary values are possible) and its clocks.
public struct JournalFixtureEntry: Sendable {
    public var fields: [(name: String, value: [UInt8])]
    /// Wall-clock time (microseconds since the epoch).
    public var realtime: UInt64
    public var monotonic: UInt64
    public var bootID: String

    public init(_ fields: [(String, String)], realtime: UInt64, monotonic: UInt64 = 1, bootID: String = JournalFixtures.bootID) {
        self.fields = fields.map { ($0.0, Array($0.1.utf8)) }
        self.realtime = realtime
        self.monotonic = monotonic
        self.bootID = bootID
    }

    public init(binary fields: [(String, [UInt8])], realtime: UInt64, monotonic: UInt64 = 1, bootID: String = JournalFixtures.bootID) {
        self.fields = fields
        self.realtime = realtime
        self.monotonic = monotonic
        self.bootID = bootID
    }
}

/// Writes real journal files for tests and benchmarks: entries in the journal export format
/// (`man systemd-journal-remote`), turned into a journal file by `systemd-journal-remote --output=`.
public enum JournalFixtures {
    public static let bootID = "5f1c2f3e9a8b4c7d8e6f5a4b3c2d1e0f"

    /// The `rule` blocks the tests and the benchmark label journal entries with (for a `loki.relabel` body):
    /// `unit` from the systemd unit, `level` from the priority keyword.
    public static let unitAndLevelRules = """
    \trule {
    \t\tsource_labels = ["__journal__systemd_unit"]
    \t\ttarget_label  = "unit"
    \t}

    \trule {
    \t\tsource_labels = ["__journal_priority_keyword"]
    \t\ttarget_label  = "level"
    \t}
    """
    public static let remote = "/lib/systemd/systemd-journal-remote"

    /// Whether `systemd-journal-remote` is installed (scripts/deps.sh installs it).
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: remote) }

    /// The current wall-clock time in microseconds.
    public static var nowMicros: UInt64 { UInt64(Date().timeIntervalSince1970 * 1_000_000) }

    /// Appends one entry in export format: `FIELD=value` lines, binary fields (a line feed or other control bytes
    /// inside) as the name, a line feed, a 64-bit little-endian length and the bytes; a blank line ends the entry.
    public static func appendExport(_ e: JournalFixtureEntry, to out: inout [UInt8]) {
        out += Array("__REALTIME_TIMESTAMP=\(e.realtime)\n__MONOTONIC_TIMESTAMP=\(e.monotonic)\n_BOOT_ID=\(e.bootID)\n".utf8)
        for (name, value) in e.fields {
            out += Array(name.utf8)
            if value.contains(where: { $0 < 32 && $0 != 9 }) || String(bytes: value, encoding: .utf8) == nil {
                out.append(10)
                var n = UInt64(value.count).littleEndian
                withUnsafeBytes(of: &n) { out += $0 }
                out += value
                out.append(10)
            } else {
                out.append(61)
                out += value
                out.append(10)
            }
        }
        out.append(10)
    }

    /// Writes `entries` to the journal file `path` (its directory must exist; the name must end in `.journal`).
    public static func write(_ entries: [JournalFixtureEntry], to path: String) throws {
        var export: [UInt8] = []
        for e in entries { appendExport(e, to: &export) }
        try writeExport(export, to: path)
    }

    /// Turns export-format bytes into the journal file `path`.
    public static func writeExport(_ export: [UInt8], to path: String) throws {
        let exportFile = path + ".export"
        try Data(export).write(to: URL(fileURLWithPath: exportFile))
        defer { try? FileManager.default.removeItem(atPath: exportFile) }
        try convert(exportFile: exportFile, to: path)
    }

    /// Runs `systemd-journal-remote --output=path exportFile`.
    public static func convert(exportFile: String, to path: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: remote)
        p.arguments = ["--output=\(path)", exportFile]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw FixtureError(message: "\(remote) failed (\(p.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
    }

    /// An error running the journal tools.
    public struct FixtureError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
