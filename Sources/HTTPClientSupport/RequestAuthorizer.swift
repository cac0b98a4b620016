/// The headers every request to a server carries — `Authorization` (credential files re-read for each request, an
/// OAuth2 token fetched and cached) and the extra `http_headers` — for one client's lifetime.
public final class RequestAuthorizer: Sendable {
    public let settings: HTTPClientSettings
    private let tokens: OAuth2TokenSource?

    public init(_ settings: HTTPClientSettings) throws {
        self.settings = settings
        if case .oauth2(let o) = settings.auth { tokens = try OAuth2TokenSource(o) } else { tokens = nil }
    }

    /// Checks what the authorizer would build (the OAuth2 client's TLS and proxy) without building it, so that a
    /// mistake is reported when the configuration loads.
    public static func check(_ settings: HTTPClientSettings) throws {
        guard case .oauth2(let o) = settings.auth else { return }
        _ = try OAuth2TokenSource.clientConfiguration(o)
    }

    /// The headers for the next request; a token that cannot be fetched or a file that cannot be read is an error.
    public func headers() async throws -> [(name: String, value: String)] {
        var out: [(String, String)] = []
        if let tokens { out.append(("Authorization", try await tokens.authorization())) }
        else if let a = try settings.auth.headerValue() { out.append(("Authorization", a)) }
        out += settings.headers
        return out
    }

    /// Releases the token client's connections.
    public func shutdown() async { await tokens?.shutdown() }
}
