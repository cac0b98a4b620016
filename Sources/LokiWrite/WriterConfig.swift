import LogCore
import HTTPClientSupport

/// How one `endpoint` block pushes to Loki.
public struct EndpointConfig: Sendable, Equatable {
    public var url: String
    public var name: String
    public var batchWait: Duration = .seconds(1)
    public var batchSize = 1 << 20
    public var remoteTimeout: Duration = .seconds(10)
    public var headers: [String: String] = [:]
    public var tenantID: String? = nil
    public var minBackoff: Duration = .milliseconds(500)
    public var maxBackoff: Duration = .seconds(300)
    /// Alloy drops a batch after this many attempts; Tributary keeps retrying while the WAL has room unless
    /// `dropAfterRetries` is set.
    public var maxBackoffRetries = 10
    public var dropAfterRetries = false
    public var retryOn429 = true
    /// Credentials, TLS, proxy and the other settings Alloy's HTTP client arguments give.
    public var client = HTTPClientSettings()
    public var gzipLevel = 1

    public init(url: String, name: String) {
        self.url = url
        self.name = name
    }

    /// What is wrong with these settings, by attribute of the `endpoint` block.
    public var problems: [ConfigProblem] {
        var out: [ConfigProblem] = []
        if !(url.hasPrefix("http://") || url.hasPrefix("https://")) { out.append(ConfigProblem("url must start with http:// or https://", attribute: "url")) }
        return out
    }

    /// The name Alloy gives an endpoint without one: the first six hex digits of a hash of its URL.
    public static func defaultName(_ url: String) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in url.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(String(h, radix: 16).prefix(6))
    }
}

/// What a full write-ahead log does.
public enum WALFullPolicy: String, Sendable {
    /// Sources wait (their files stay on disk) until delivery frees room.
    case backpressure
    /// The oldest undelivered segment is deleted, and its entries counted as dropped.
    case dropOldest = "drop_oldest"
}

/// The settings of one `loki.write` component.
public struct WriterConfig: Sendable, Equatable {
    public var endpoints: [EndpointConfig]
    public var externalLabels: [String: String] = [:]
    public var maxStreams = 0
    public var walMaxSize: Int64 = 1 << 30
    public var walSegmentSize: Int64 = 64 << 20
    /// Start a new segment once the current one is this old (Alloy's `max_segment_age`).
    public var walMaxSegmentAge: Duration = .seconds(3600)
    public var onFull: WALFullPolicy = .backpressure
    public var fsyncInterval: Duration = .seconds(1)
    public var drainTimeout: Duration = .seconds(15)
    /// Lines longer than this are dropped before sending (`line_too_long`); 0 = no limit.
    public var maxLineSize = 0

    public init(endpoints: [EndpointConfig]) { self.endpoints = endpoints }

    /// What is wrong with the write-ahead log settings, by attribute of the `wal` block.
    public var walProblems: [ConfigProblem] {
        var out: [ConfigProblem] = []
        if walMaxSegmentAge <= .zero { out.append(ConfigProblem("max_segment_age must be positive", attribute: "max_segment_age")) }
        if walMaxSize < 1 << 20 { out.append(ConfigProblem("max_size must be at least 1MiB", attribute: "max_size")) }
        return out
    }
}
