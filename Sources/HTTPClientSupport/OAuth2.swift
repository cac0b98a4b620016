import AsyncHTTPClient
import Codecs
import NIOCore
import NIOHTTP1

/// The `oauth2` block: the client-credentials grant (RFC 6749 §4.4), as Prometheus' HTTP client runs it through
/// `golang.org/x/oauth2/clientcredentials`.
public struct OAuth2Settings: Sendable, Equatable {
    public var clientID = ""
    public var clientSecret = ""
    public var clientSecretFile: String?
    public var scopes: [String] = []
    public var tokenURL = ""
    public var endpointParams: [String: String] = [:]
    /// The token request's own TLS and proxy settings.
    public var tls: TLSSettings?
    public var proxy = ProxySettings()

    public init() {}

    /// Alloy's checks of the block; nil when it is valid.
    public var problem: String? {
        if clientID.isEmpty { return "oauth2 client_id must be configured" }
        if clientSecret.isEmpty && (clientSecretFile ?? "").isEmpty { return "either oauth2 client_secret or client_secret_file must be configured" }
        if tokenURL.isEmpty { return "oauth2 token_url must be configured" }
        if !clientSecret.isEmpty && !(clientSecretFile ?? "").isEmpty { return "at most one of oauth2 client_secret & client_secret_file must be configured" }
        if endpointParams["scope"] != nil && !scopes.isEmpty { return "oauth2: cannot overwrite parameter \"scope\"" }
        return proxy.combinationProblem
    }
}

/// Fetches and caches an access token: reused until ten seconds before it expires (a token without `expires_in`
/// never expires), fetched again when the secret file's content changes. Client authentication is found as Go's
/// library finds it: HTTP basic auth first, the form's `client_id`/`client_secret` when the server refuses that,
/// and the style that worked is kept.
public actor OAuth2TokenSource {
    public let settings: OAuth2Settings
    private let client: HTTPClient
    private var token: (authorization: String, expiry: ContinuousClock.Instant?)?
    private var secretInUse: String?
    private var credentialsInForm: Bool?
    private var refreshing: Task<String, Error>?

    /// How long before its expiry a token is no longer used (Go's `expiryDelta`).
    public static let expiryMargin: Duration = .seconds(10)

    public init(_ settings: OAuth2Settings) throws {
        self.settings = settings
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: try OAuth2TokenSource.clientConfiguration(settings))
    }

    /// The token client's configuration: the block's own TLS settings and proxy for the token URL.
    public static func clientConfiguration(_ settings: OAuth2Settings) throws -> HTTPClient.Configuration {
        var c = HTTPClient.Configuration()
        c.timeout = .init(connect: .seconds(10), read: .seconds(30))
        if let tls = settings.tls { c.tlsConfiguration = try tls.nioConfiguration() }
        c.proxy = try settings.proxy.clientProxy(for: settings.tokenURL)
        return c
    }

    public func shutdown() async { try? await client.shutdown() }

    /// The `Authorization` header value: `Bearer <token>` (or the token type the server named).
    public func authorization() async throws -> String {
        let secret = try currentSecret()
        if secret != secretInUse {
            token = nil
            credentialsInForm = nil
            secretInUse = secret
        }
        if let token, token.expiry.map({ ContinuousClock.now < $0 - OAuth2TokenSource.expiryMargin }) ?? true {
            return token.authorization
        }
        if let refreshing { return try await refreshing.value }
        let task = Task { try await self.fetch(secret: secret) }
        refreshing = task
        defer { refreshing = nil }
        return try await task.value
    }

    private func currentSecret() throws -> String {
        if let file = settings.clientSecretFile, !file.isEmpty { return try HTTPAuth.readSecret(file) }
        return settings.clientSecret
    }

    private func fetch(secret: String) async throws -> String {
        let inForm = credentialsInForm ?? false
        do {
            let t = try await request(secret: secret, credentialsInForm: inForm)
            credentialsInForm = inForm
            token = t
            return t.authorization
        } catch let first as TokenError where credentialsInForm == nil {
            // Auto-detection: the server may want the credentials in the form instead.
            do {
                let t = try await request(secret: secret, credentialsInForm: true)
                credentialsInForm = true
                token = t
                return t.authorization
            } catch {
                throw first
            }
        }
    }

    /// A refused token request: the server's status and body.
    struct TokenError: Error, CustomStringConvertible {
        var description: String
    }

    private func request(secret: String, credentialsInForm: Bool) async throws -> (authorization: String, expiry: ContinuousClock.Instant?) {
        var form: [String: String] = ["grant_type": "client_credentials"]
        if !settings.scopes.isEmpty { form["scope"] = settings.scopes.joined(separator: " ") }
        for (key, value) in settings.endpointParams { form[key] = value }
        var request = HTTPClientRequest(url: settings.tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if credentialsInForm {
            form["client_id"] = settings.clientID
            form["client_secret"] = secret
        } else {
            let user = URLQuery.escape(settings.clientID), password = URLQuery.escape(secret)
            request.headers.add(name: "Authorization", value: "Basic " + Base64.encode(Array((user + ":" + password).utf8)))
        }
        // url.Values.Encode: sorted by key.
        let encoded = form.keys.sorted().map { URLQuery.escape($0) + "=" + URLQuery.escape(form[$0]!) }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: encoded))
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(30))
        } catch {
            throw SettingsError(message: "oauth2: cannot fetch token from \(settings.tokenURL): \(error)")
        }
        let body = try await response.body.collect(upTo: 1 << 20)
        let text = String(buffer: body)
        let code = Int(response.status.code)
        guard (200..<300).contains(code) else {
            throw TokenError(description: "oauth2: cannot fetch token: \(code) \(response.status.reasonPhrase)\nResponse: \(text)")
        }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        var fields: [String: String] = [:]
        var expiresIn: Double? = nil
        if contentType.hasPrefix("application/x-www-form-urlencoded") || contentType.hasPrefix("text/plain") {
            for pair in text.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { URLQuery.percentDecoded(String($0), plusIsSpace: true) ?? String($0) }
                if kv.count == 2 { fields[kv[0]] = kv[1] }
            }
            expiresIn = fields["expires_in"].flatMap(Double.init)
        } else {
            guard case .object(let object) = try? JSON.parse(text) else {
                throw SettingsError(message: "oauth2: cannot parse json: \(text.prefix(512))")
            }
            for (k, v) in object {
                switch v {
                case .string(let s): fields[k] = s
                case .number(let d, _): if k == "expires_in" { expiresIn = d }
                default: break
                }
            }
            if expiresIn == nil { expiresIn = fields["expires_in"].flatMap(Double.init) }
        }
        guard let access = fields["access_token"], !access.isEmpty else {
            throw SettingsError(message: "oauth2: server response missing access_token")
        }
        let type: String
        switch (fields["token_type"] ?? "").lowercased() {
        case "", "bearer": type = "Bearer"
        case "mac": type = "MAC"
        case "basic": type = "Basic"
        default: type = fields["token_type"]!
        }
        let expiry = expiresIn.flatMap { $0 > 0 ? started + .seconds($0) : nil }
        return (type + " " + access, expiry)
    }
}
