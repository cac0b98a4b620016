import AsyncHTTPClient
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// Alloy's proxy arguments (`proxy_url`, `no_proxy`, `proxy_from_environment`, `proxy_connect_header`) and the
/// choice they make for one server, as Prometheus' HTTP client makes it: `proxy_url` alone proxies every request;
/// with `no_proxy`, or from the environment (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`), Go's `httpproxy` rules apply —
/// `localhost` and loopback addresses are never proxied, and `no_proxy` lists hosts, domains, IPs and CIDRs.
public struct ProxySettings: Sendable, Equatable {
    public var url: String?
    public var noProxy = ""
    public var fromEnvironment = false
    /// Headers sent on the `CONNECT` request to the proxy.
    public var connectHeaders: [(name: String, value: String)] = []

    public init() {}

    public static func == (a: ProxySettings, b: ProxySettings) -> Bool {
        a.url == b.url && a.noProxy == b.noProxy && a.fromEnvironment == b.fromEnvironment
            && a.connectHeaders.map(\.name) == b.connectHeaders.map(\.name) && a.connectHeaders.map(\.value) == b.connectHeaders.map(\.value)
    }

    /// Alloy's checks of the combination; nil when it is valid.
    public var combinationProblem: String? {
        let hasURL = !(url ?? "").isEmpty
        if !connectHeaders.isEmpty && !fromEnvironment && !hasURL {
            return "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured"
        }
        if fromEnvironment && hasURL { return "if proxy_from_environment is configured, proxy_url must not be configured" }
        if fromEnvironment && !noProxy.isEmpty { return "if proxy_from_environment is configured, no_proxy must not be configured" }
        if !hasURL && !noProxy.isEmpty { return "if no_proxy is configured, proxy_url must also be configured" }
        return nil
    }

    /// The proxy a request to `target` goes through; nil to connect directly.
    public func choose(for target: String, environment: (String) -> String? = ProxySettings.processEnvironment) throws -> ProxyServer? {
        guard let (host, port) = HTTPClientSettings.hostAndPort(target, defaultPort: 80) else { return nil }
        let https = target.hasPrefix("https://")
        if let url, !url.isEmpty {
            if noProxy.isEmpty { return try ProxyServer(url) }
            return NoProxyRules(noProxy).bypasses(host: host, port: port) ? nil : try ProxyServer(url)
        }
        guard fromEnvironment else { return nil }
        func variable(_ name: String) -> String? {
            if let v = environment(name.uppercased()), !v.isEmpty { return v }
            if let v = environment(name.lowercased()), !v.isEmpty { return v }
            return nil
        }
        guard let proxy = variable(https ? "HTTPS_PROXY" : "HTTP_PROXY") else { return nil }
        if NoProxyRules(variable("NO_PROXY") ?? "").bypasses(host: host, port: port) { return nil }
        return try ProxyServer(proxy)
    }

    /// The agent's environment.
    public static func processEnvironment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    /// The AsyncHTTPClient proxy for `target`, with the `CONNECT` headers; nil to connect directly.
    public func clientProxy(for target: String, environment: (String) -> String? = ProxySettings.processEnvironment) throws -> HTTPClient.Configuration.Proxy? {
        guard let server = try choose(for: target, environment: environment) else { return nil }
        switch server.kind {
        case .socks5:
            return .socksServer(host: server.host, port: server.port)
        case .http:
            var headers = HTTPHeaders()
            var authorization: HTTPClient.Authorization? = server.username.map { .basic(username: $0, password: server.password ?? "") }
            for (name, value) in connectHeaders {
                if name.lowercased() == "proxy-authorization" {
                    // AsyncHTTPClient sends Proxy-Authorization itself: give it the header's credentials.
                    if value.hasPrefix("Basic ") { authorization = .basic(credentials: String(value.dropFirst(6))) }
                    else if value.hasPrefix("Bearer ") { authorization = .bearer(tokens: String(value.dropFirst(7))) }
                    else { throw SettingsError(message: "proxy_connect_header Proxy-Authorization must be Basic or Bearer credentials") }
                } else {
                    headers.add(name: name, value: value)
                }
            }
            return .server(host: server.host, port: server.port, authorization: authorization, connectHeaders: headers)
        }
    }
}

/// A proxy server named by a URL: `http://[user:password@]host[:port]` or `socks5://host[:port]`; a value without a
/// scheme is taken as `http://` (as Go takes it).
public struct ProxyServer: Sendable, Equatable {
    public enum Kind: Sendable { case http, socks5 }
    public var kind: Kind
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    public init(_ url: String) throws {
        var text = url
        if !text.contains("://") { text = "http://" + text }
        let scheme = String(text[..<text.firstRange(of: "://")!.lowerBound]).lowercased()
        switch scheme {
        case "http": kind = .http
        case "socks5", "socks5h": kind = .socks5
        case "https": throw SettingsError(message: "proxy \"\(url)\": a TLS connection to the proxy (https://) is not supported; use http:// (the tunnel to an https server is still TLS)")
        default: throw SettingsError(message: "proxy \"\(url)\": unsupported scheme \(scheme) (http or socks5)")
        }
        let credentials = URLCredentials("http" + text.dropFirst(scheme.count))
        guard let (host, port) = HTTPClientSettings.hostAndPort(credentials.url, defaultPort: kind == .http ? 80 : 1080) else {
            throw SettingsError(message: "proxy \"\(url)\" has no host")
        }
        self.host = host
        self.port = port
        if case .basic(let user, let password)? = credentials.basicAuth {
            username = user
            self.password = password
        }
    }
}

/// Go's `NO_PROXY` rules (golang.org/x/net/http/httpproxy): comma-separated entries; `*` for everything; an IP or
/// CIDR; `host`, `host:port`; `example.com` matches it and its subdomains, `.example.com` and `*.example.com` only
/// the subdomains. `localhost` and loopback addresses always bypass the proxy.
public struct NoProxyRules: Sendable {
    private var all = false
    private var networks: [(address: [UInt8], prefix: Int)] = []
    private var addresses: [(address: [UInt8], port: Int?)] = []
    private var domains: [(suffix: String, port: Int?, matchesItself: Bool)] = []

    public init(_ list: String) {
        for raw in list.split(separator: ",") {
            let entry = String(raw).trimmingCharacters(in: " \t").lowercased()
            if entry.isEmpty { continue }
            if entry == "*" { all = true; return }
            if let slash = entry.firstIndex(of: "/"), let address = IPAddress.parse(String(entry[..<slash])),
               let prefix = Int(entry[entry.index(after: slash)...]), prefix >= 0, prefix <= address.count * 8 {
                networks.append((address, prefix))
                continue
            }
            var host = entry
            var port: Int? = nil
            if let (h, p) = NoProxyRules.splitHostPort(entry) {
                if h.isEmpty { continue }
                host = h
                port = p
            }
            if let address = IPAddress.parse(host) {
                addresses.append((address, port))
                continue
            }
            if host.hasPrefix("*.") { host.removeFirst() }
            let matchesItself = !host.hasPrefix(".")
            domains.append((matchesItself ? "." + host : host, port, matchesItself))
        }
    }

    /// Whether a request to `host:port` goes direct.
    public func bypasses(host rawHost: String, port: Int) -> Bool {
        let host = rawHost.lowercased()
        if host == "localhost" { return true }
        let ip = IPAddress.parse(host)
        if let ip, IPAddress.isLoopback(ip) { return true }
        if all { return true }
        if let ip {
            for (address, p) in addresses where IPAddress.same(address, ip) && (p == nil || p == port) { return true }
            for (network, prefix) in networks where IPAddress.contains(network, prefix, ip) { return true }
        }
        for (suffix, p, itself) in domains where host.hasSuffix(suffix) || (itself && host == String(suffix.dropFirst())) {
            if p == nil || p == port { return true }
        }
        return false
    }

    /// `host:port` or `[v6]:port` (Go's `net.SplitHostPort`); nil when the entry has no port.
    static func splitHostPort(_ s: String) -> (String, Int)? {
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]"), s[s.index(after: close)...].hasPrefix(":"),
                  let port = Int(s[s.index(close, offsetBy: 2)...]) else { return nil }
            return (String(s[s.index(after: s.startIndex)..<close]), port)
        }
        guard let colon = s.lastIndex(of: ":"), s.firstIndex(of: ":") == colon, let port = Int(s[s.index(after: colon)...]) else { return nil }
        return (String(s[..<colon]), port)
    }
}

/// IPv4 and IPv6 addresses as bytes (inet_pton), compared as Go compares them: an IPv4 address equals its
/// IPv4-mapped IPv6 form.
enum IPAddress {
    static func parse(_ s: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, s, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// The IPv4 address an IPv4-mapped IPv6 address holds, or the address itself.
    static func normalized(_ a: [UInt8]) -> [UInt8] {
        if a.count == 16, a[0..<10].allSatisfy({ $0 == 0 }), a[10] == 0xFF, a[11] == 0xFF { return Array(a[12...]) }
        return a
    }

    static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool { normalized(a) == normalized(b) }

    static func isLoopback(_ a: [UInt8]) -> Bool {
        let n = normalized(a)
        if n.count == 4 { return n[0] == 127 }
        return n == [UInt8](repeating: 0, count: 15) + [1]
    }

    static func contains(_ network: [UInt8], _ prefix: Int, _ ip: [UInt8]) -> Bool {
        let net = normalized(network), addr = normalized(ip)
        guard net.count == addr.count else { return false }
        let bits = min(prefix, net.count * 8)
        for i in 0..<bits where (net[i / 8] >> (7 - UInt8(i % 8))) & 1 != (addr[i / 8] >> (7 - UInt8(i % 8))) & 1 { return false }
        return true
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
