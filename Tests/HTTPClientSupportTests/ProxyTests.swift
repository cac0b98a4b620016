import AsyncHTTPClient
import LoopbackServers
import NIOCore
import Testing
@testable import HTTPClientSupport

/// The proxy arguments: which requests go through which proxy (Go's httpproxy rules), and a real tunnel.
@Suite struct ProxyTests {
    @Test func noProxyRulesAreGos() {
        let rules = NoProxyRules(" Example.com, .internal.lan ,*.svc:8443, 10.0.0.0/8, 192.168.1.7, [fd00::1]:3100, 2001:db8::/32,,")
        #expect(rules.bypasses(host: "example.com", port: 443))
        #expect(rules.bypasses(host: "loki.example.com", port: 80))
        #expect(!rules.bypasses(host: "notexample.com", port: 80))
        #expect(!rules.bypasses(host: "internal.lan", port: 80))          // a leading dot: subdomains only
        #expect(rules.bypasses(host: "a.internal.lan", port: 80))
        #expect(rules.bypasses(host: "loki.svc", port: 8443))
        #expect(!rules.bypasses(host: "loki.svc", port: 80))             // the entry names a port
        #expect(!rules.bypasses(host: "svc", port: 8443))                // *. is subdomains only
        #expect(rules.bypasses(host: "10.20.30.40", port: 3100))
        #expect(!rules.bypasses(host: "11.0.0.1", port: 3100))
        #expect(rules.bypasses(host: "192.168.1.7", port: 1))
        #expect(!rules.bypasses(host: "192.168.1.8", port: 1))
        #expect(rules.bypasses(host: "fd00::1", port: 3100))
        #expect(!rules.bypasses(host: "fd00::1", port: 3101))
        #expect(rules.bypasses(host: "2001:db8:1::5", port: 80))
        #expect(rules.bypasses(host: "localhost", port: 80))             // never proxied
        #expect(rules.bypasses(host: "127.0.0.9", port: 80))
        #expect(rules.bypasses(host: "::1", port: 80))
        #expect(!NoProxyRules("").bypasses(host: "loki.example.com", port: 80))
        #expect(NoProxyRules("*").bypasses(host: "anything", port: 1))
    }

    @Test func whichProxyARequestUses() throws {
        var p = ProxySettings()
        p.url = "http://user:p%40ss@proxy.lan:3128"
        // proxy_url alone: every request, loopback too (Go's http.ProxyURL).
        #expect(try p.choose(for: "http://127.0.0.1:3100/loki/api/v1/push")?.host == "proxy.lan")
        let server = try #require(try p.choose(for: "https://loki.example.com/loki/api/v1/push"))
        #expect(server.port == 3128 && server.username == "user" && server.password == "p@ss")
        p.noProxy = "example.com"
        #expect(try p.choose(for: "https://loki.example.com/") == nil)
        #expect(try p.choose(for: "https://loki.example.org/")?.host == "proxy.lan")
        #expect(try p.choose(for: "http://127.0.0.1:3100/") == nil)          // with no_proxy, Go's rules: loopback direct

        var env = ProxySettings()
        env.fromEnvironment = true
        let vars = ["HTTPS_PROXY": "secure-proxy:8443", "http_proxy": "socks5://plain-proxy", "NO_PROXY": ".cluster.local"]
        let lookup: (String) -> String? = { vars[$0] }
        #expect(try env.choose(for: "https://loki.example.com/", environment: lookup) == (try ProxyServer("http://secure-proxy:8443")))
        #expect(try env.choose(for: "http://loki.example.com/", environment: lookup)?.kind == .socks5)
        #expect(try env.choose(for: "http://loki.example.com/", environment: lookup)?.port == 1080)
        #expect(try env.choose(for: "https://loki-gateway.logging.svc.cluster.local/", environment: lookup) == nil)
        #expect(try env.choose(for: "https://loki.example.com/", environment: { _ in nil }) == nil)
        #expect(throws: SettingsError.self) { try ProxyServer("https://proxy.lan") }
        #expect(throws: SettingsError.self) { try ProxyServer("ftp://proxy.lan") }
    }

    @Test func alloysChecksOfTheCombination() {
        var p = ProxySettings()
        p.noProxy = "x"
        #expect(p.combinationProblem == "if no_proxy is configured, proxy_url must also be configured")
        p = ProxySettings()
        p.connectHeaders = [("X-A", "1")]
        #expect(p.combinationProblem == "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured")
        p.fromEnvironment = true
        #expect(p.combinationProblem == nil)
        p.url = "http://p:1"
        #expect(p.combinationProblem == "if proxy_from_environment is configured, proxy_url must not be configured")
        p.url = nil
        p.noProxy = "x"
        #expect(p.combinationProblem == "if proxy_from_environment is configured, no_proxy must not be configured")
    }

    /// A request through a real CONNECT proxy on loopback, with the connect headers and Proxy-Authorization.
    @Test func requestsTunnelThroughTheProxyWithItsHeaders() async throws {
        let proxy = try ConnectProxy(requiredAuthorization: "Basic dXNlcjpwdw==")
        defer { proxy.stop() }
        let tokens = try OAuth2TokenServer()
        defer { tokens.stop() }
        var settings = HTTPClientSettings()
        settings.proxy.url = proxy.url
        settings.proxy.connectHeaders = [("Proxy-Authorization", "Basic dXNlcjpwdw=="), ("X-Tenant", "homelab")]
        var request = HTTPClientRequest(url: tokens.url)
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "grant_type=client_credentials&client_id=tributary&client_secret=s3cret"))
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let (response, body) = try await withClient(try settings.clientConfiguration(for: tokens.url)) { client in
            let response = try await client.execute(request, timeout: .seconds(10))
            return (response, String(buffer: try await response.body.collect(upTo: 1 << 16)))
        }
        #expect(response.status.code == 200, "\(body)")
        #expect(body.contains("token-1"))
        let tunnel = try #require(proxy.opened.first)
        #expect(tunnel.target == "127.0.0.1:\(tokens.url.split(separator: ":")[2].prefix { $0 != "/" })")
        #expect(tunnel.header("X-Tenant") == "homelab")
        #expect(tunnel.header("Proxy-Authorization") == "Basic dXNlcjpwdw==")

        // Without the credentials the proxy answers 407, and the request fails with that.
        settings.proxy.connectHeaders = [("X-Tenant", "homelab")]
        let refusal: Result<HTTPClientResponse, Error> = try await withClient(try settings.clientConfiguration(for: tokens.url)) { client in
            await Result(catching: { try await client.execute(HTTPClientRequest(url: tokens.url), timeout: .seconds(2)) })
        }
        #expect(throws: (any Error).self) { try refusal.get() }
        if case .failure(let error) = refusal { #expect("\(error)".contains("proxyAuthenticationRequired"), "\(error)") }
        #expect(proxy.opened.count >= 2 && proxy.opened.dropFirst().allSatisfy { $0.header("Proxy-Authorization") == nil })
    }
}

/// Runs `body` with a client that is shut down afterwards, whatever happens.
func withClient<T>(_ configuration: HTTPClient.Configuration, _ body: (HTTPClient) async throws -> T) async throws -> T {
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    let result = await Result(catching: { try await body(client) })
    try await client.shutdown()
    return try result.get()
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
