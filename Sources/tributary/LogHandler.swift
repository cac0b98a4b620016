import Platform
import Codecs
import Logging
import LogCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The level and format of the agent's log, from the `logging` block (changed by a reload) unless the command line
/// set them.
enum AgentLogSettings {
    private static let current = Mutex<(level: Logger.Level, format: LineLogHandler.Format)>((.info, .logfmt))
    static var level: Logger.Level { current.withLock { $0.level } }
    static var format: LineLogHandler.Format { current.withLock { $0.format } }
    static func set(level: Logger.Level, format: LineLogHandler.Format) { current.withLock { $0 = (level, format) } }
}

/// Writes Tributary's own log to standard error as logfmt or JSON lines, and offers each line to `write_to`
/// (``OwnLogForwarder``).
struct LineLogHandler: LogHandler {
    enum Format: String, Sendable { case logfmt, json }

    /// A level set on one logger; without it the agent's level applies.
    private var levelOverride: Logger.Level? = nil
    var logLevel: Logger.Level {
        get { levelOverride ?? AgentLogSettings.level }
        set { levelOverride = newValue }
    }
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider? = nil

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let now = WallClock.nowNanoseconds()
        var fields: [(String, String)] = []
        var ts: [UInt8] = []
        RFC3339.appendNano(now, to: &ts)
        fields.append(("ts", String(decoding: ts, as: UTF8.self)))
        fields.append(("level", LineLogHandler.levelName(event.level)))
        fields.append(("msg", event.message.description))
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for k in merged.keys.sorted() { fields.append((k, "\(merged[k]!)")) }
        var out: [UInt8] = []
        switch AgentLogSettings.format {
        case .logfmt:
            for (i, (k, v)) in fields.enumerated() {
                if i > 0 { out.append(32) }
                out += Array(k.utf8)
                out.append(61)
                let needsQuote = v.isEmpty || v.utf8.contains { $0 <= 32 || $0 == 34 || $0 == 61 || $0 == 92 }
                if needsQuote { GoQuote.append(v, to: &out) } else { out += Array(v.utf8) }
            }
        case .json:
            out.append(123)
            for (i, (k, v)) in fields.enumerated() {
                if i > 0 { out.append(44) }
                JSONString.append(k, to: &out)
                out.append(58)
                JSONString.append(v, to: &out)
            }
            out.append(125)
        }
        OwnLogForwarder.shared.offer(out, timestamp: now)
        out.append(10)
        out.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    static func levelName(_ l: Logger.Level) -> String {
        switch l {
        case .trace, .debug: return "debug"
        case .info, .notice: return "info"
        case .warning: return "warn"
        case .error, .critical: return "error"
        }
    }
}

extension Logger.Level {
    init?(alloyName: String) {
        switch alloyName {
        case "debug": self = .debug
        case "info": self = .info
        case "warn": self = .warning
        case "error": self = .error
        default: return nil
        }
    }
}
