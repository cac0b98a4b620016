import Platform
import Codecs
import AsyncHTTPClient
import LogCore
import NIOCore
import NIOSSL

/// The HTTP client settings Alloy shares between components that call a server (`loki.write` endpoints,
/// `discovery.kubernetes`): credentials, TLS, proxy, redirects, HTTP/2 and extra headers.
public struct HTTPClientSettings: Sendable, Equatable {
    public var auth: HTTPAuth = .none
    public var tls: TLSSettings? = nil
    /// Extra request headers (`http_headers`); each name may carry several values.
    public var headers: [(name: String, value: String)] = []
    /// The proxy arguments (`proxy_url`, `no_proxy`, `proxy_from_environment`, `proxy_connect_header`).
    public var proxy = ProxySettings()
    public var followRedirects = true
    public var enableHTTP2 = true

    public init() {}

    public static func == (a: HTTPClientSettings, b: HTTPClientSettings) -> Bool {
        a.auth == b.auth && a.tls == b.tls && a.proxy == b.proxy && a.followRedirects == b.followRedirects
            && a.enableHTTP2 == b.enableHTTP2 && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }

    /// The AsyncHTTPClient configuration these settings describe, for requests to `target` (the proxy is chosen
    /// for that server).
    public func clientConfiguration(for target: String, connectTimeout: Duration = .seconds(10), readTimeout: Duration? = nil) throws -> HTTPClient.Configuration {
        var c = HTTPClient.Configuration()
        c.timeout = .init(connect: .nanoseconds(connectTimeout.nanoseconds), read: readTimeout.map { .nanoseconds($0.nanoseconds) })
        if let tls { c.tlsConfiguration = try tls.nioConfiguration() }
        c.redirectConfiguration = followRedirects ? .follow(max: 10, allowCycles: false) : .disallow
        c.httpVersion = enableHTTP2 ? .automatic : .http1Only
        c.proxy = try proxy.clientProxy(for: target)
        return c
    }

    /// `(host, port)` of an `http(s)://host[:port][/…]` URL.
    public static func hostAndPort(_ url: String, defaultPort: Int) -> (String, Int)? {
        var rest = Substring(url)
        var port = defaultPort
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) } else if rest.hasPrefix("https://") {
            rest = rest.dropFirst(8)
            if defaultPort == 80 { port = 443 }
        } else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        var host = authority
        if let at = authority.lastIndex(of: "@") { host = authority[authority.index(after: at)...] }
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let h = host[host.index(after: host.startIndex)..<close]
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") { guard let p = Int(after.dropFirst()) else { return nil }; port = p }
            return (String(h), port)
        }
        if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]) else { return nil }
            port = p
            host = host[..<colon]
        }
        return host.isEmpty ? nil : (String(host), port)
    }

}

/// A problem with HTTP client settings or the files they name.
public struct SettingsError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Credentials sent with every request. Files are re-read before each request, so rotated tokens and
/// passwords are used at once.
public enum HTTPAuth: Sendable, Equatable {
    case none
    case bearer(String)
    case bearerFile(String)
    case basic(username: String, password: String)
    case basicPasswordFile(username: String, path: String)
    /// A token from an OAuth2 server (`RequestAuthorizer` fetches and caches it).
    case oauth2(OAuth2Settings)

    /// The `Authorization` header value, or nil for `.none` and `.oauth2` (whose value `RequestAuthorizer` gives).
    public func headerValue() throws -> String? {
        switch self {
        case .none, .oauth2: return nil
        case .bearer(let t): return "Bearer " + t
        case .bearerFile(let path): return "Bearer " + (try HTTPAuth.readSecret(path))
        case .basic(let u, let p): return "Basic " + Base64.encode(Array((u + ":" + p).utf8))
        case .basicPasswordFile(let u, let path):
            return "Basic " + Base64.encode(Array((u + ":" + (try HTTPAuth.readSecret(path))).utf8))
        }
    }

    /// A secret file's content without surrounding whitespace.
    public static func readSecret(_ path: String) throws -> String {
        do {
            let bytes = try FileIO.read(path)
            var s = Substring(String(decoding: bytes, as: UTF8.self))
            while let f = s.first, f.isWhitespace { s = s.dropFirst() }
            while let l = s.last, l.isWhitespace { s = s.dropLast() }
            return String(s)
        } catch {
            throw SettingsError(message: "cannot read \(path): \(error)")
        }
    }
}

/// `tls_config`: trust roots, client certificate and key, verification.
public struct TLSSettings: Sendable, Equatable {
    public var caFile: String?
    public var caPEM: String?
    public var certFile: String?
    public var certPEM: String?
    public var keyFile: String?
    public var keyPEM: String?
    public var insecureSkipVerify = false
    public var serverName: String?
    public init() {}

    /// The NIOSSL client configuration (TLS 1.2 or newer).
    public func nioConfiguration() throws -> TLSConfiguration {
        var c = TLSConfiguration.makeClientConfiguration()
        // Closing a connection waits this long for the server's close_notify (NIOSSL's default is 5 s).
        c.shutdownTimeout = .milliseconds(500)
        if insecureSkipVerify { c.certificateVerification = .none }
        if let caFile { c.trustRoots = .file(caFile) }
        if let caPEM { c.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8))) }
        if let certFile { c.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) } }
        if let certPEM { c.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certPEM.utf8)).map { .certificate($0) } }
        if let keyFile { c.privateKey = .file(keyFile) }
        if let keyPEM { c.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)) }
        return c
    }
}

/// A URL's user information (`https://user:pass@host/...`): taken out of the URL, so that it never reaches a
/// metric label or a log line, and sent as basic auth when nothing else sets `Authorization` (as Go's client
/// does with such a URL).
public struct URLCredentials: Sendable, Equatable {
    /// The URL without its user information.
    public var url: String
    /// Basic auth with the user information, nil when the URL has none.
    public var basicAuth: HTTPAuth?

    public init(url: String, basicAuth: HTTPAuth? = nil) {
        self.url = url
        self.basicAuth = basicAuth
    }

    /// Splits `url` into the URL without user information and the basic auth it gives.
    public init(_ url: String) {
        self.url = url
        basicAuth = nil
        guard let scheme = url.firstRange(of: "://") else { return }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return }
        let info = rest[..<at]
        let colon = info.firstIndex(of: ":")
        let user = String(info[..<(colon ?? info.endIndex)])
        let password = colon.map { String(info[info.index(after: $0)...]) } ?? ""
        self.url = String(url[..<scheme.upperBound]) + rest[rest.index(after: at)...]
        basicAuth = .basic(username: URLQuery.percentDecoded(user, plusIsSpace: false) ?? user,
                           password: URLQuery.percentDecoded(password, plusIsSpace: false) ?? password)
    }

    /// The `Authorization` value the user information gives, nil when the URL has none.
    public var authorization: String? { try? basicAuth?.headerValue() }

    /// `settings` with the user information as their auth, unless they set auth or an `Authorization` header.
    public func applied(to settings: HTTPClientSettings) -> HTTPClientSettings {
        var s = settings
        if let basicAuth, s.auth == .none, !s.headers.contains(where: { $0.name.lowercased() == "authorization" }) {
            s.auth = basicAuth
        }
        return s
    }
}
