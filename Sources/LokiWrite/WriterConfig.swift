/// How one `endpoint` block pushes to Loki.
public struct EndpointConfig: Sendable, Equatable {
    /// Credentials sent with every request.
    public enum Auth: Sendable, Equatable {
        case none
        case bearer(String)
        /// Re-read before each request, so a rotated token is used at once.
        case bearerFile(String)
        case basic(username: String, password: String)
        case basicPasswordFile(username: String, path: String)
    }

    /// `tls_config`.
    public struct TLS: Sendable, Equatable {
        public var caFile: String?
        public var caPEM: String?
        public var certFile: String?
        public var certPEM: String?
        public var keyFile: String?
        public var keyPEM: String?
        public var insecureSkipVerify = false
        public var serverName: String?
        public init() {}
    }

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
    public var auth: Auth = .none
    public var tls: TLS? = nil
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
