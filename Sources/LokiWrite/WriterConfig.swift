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
}
