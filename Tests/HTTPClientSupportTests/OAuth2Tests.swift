import LoopbackServers
import Platform
import Testing
@testable import HTTPClientSupport

/// The client-credentials grant against a token endpoint on loopback: fetched, cached until it expires, fetched
/// again, client authentication detected, errors that say what the server said.
@Suite struct OAuth2Tests {
    func settings(_ server: OAuth2TokenServer) -> OAuth2Settings {
        var s = OAuth2Settings()
        s.clientID = "tributary"
        s.clientSecret = "s3cret"
        s.tokenURL = server.url
        s.scopes = ["logs:write", "logs:read"]
        s.endpointParams = ["audience": "loki"]
        return s
    }

    @Test func tokenFetchedCachedAndRefreshedWhenItExpires() async throws {
        var behaviour = OAuth2TokenServer.Behaviour()
        behaviour.lifetime = 11   // usable for one second: tokens are renewed ten seconds before they expire
        let server = try OAuth2TokenServer(behaviour)
        defer { server.stop() }
        let source = try OAuth2TokenSource(settings(server))
        #expect(try await source.authorization() == "Bearer token-1")
        #expect(try await source.authorization() == "Bearer token-1")
        #expect(server.issued == 1)
        let request = try #require(server.requests.first)
        #expect(request.form == ["grant_type": "client_credentials", "scope": "logs:write logs:read", "audience": "loki"])
        #expect(request.header("Authorization") == "Basic dHJpYnV0YXJ5OnMzY3JldA==")   // tributary:s3cret
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        try await Task.sleep(for: .milliseconds(1300))
        #expect(try await source.authorization() == "Bearer token-2")
        #expect(server.issued == 2)
        await source.shutdown()
    }

    @Test func aTokenWithoutExpiryIsKeptAndConcurrentCallersShareOneFetch() async throws {
        var behaviour = OAuth2TokenServer.Behaviour()
        behaviour.lifetime = nil
        let server = try OAuth2TokenServer(behaviour)
        defer { server.stop() }
        let source = try OAuth2TokenSource(settings(server))
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await source.authorization() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(values) == ["Bearer token-1"])
        #expect(server.issued == 1)
        await source.shutdown()
    }

    @Test func credentialsMoveToTheFormWhenTheServerRefusesBasicAuth() async throws {
        var behaviour = OAuth2TokenServer.Behaviour()
        behaviour.credentialsInForm = true
        behaviour.lifetime = 11
        let server = try OAuth2TokenServer(behaviour)
        defer { server.stop() }
        let source = try OAuth2TokenSource(settings(server))
        #expect(try await source.authorization() == "Bearer token-1")
        #expect(server.requests.count == 2)
        #expect(server.requests[1].form["client_id"] == "tributary" && server.requests[1].form["client_secret"] == "s3cret")
        // The style that worked is kept: the next fetch goes straight to the form.
        try await Task.sleep(for: .milliseconds(1300))
        #expect(try await source.authorization() == "Bearer token-2")
        #expect(server.requests.count == 3)
        await source.shutdown()
    }

    @Test func refusalsSayWhatTheServerSaid() async throws {
        var behaviour = OAuth2TokenServer.Behaviour()
        behaviour.failure = (503, #"{"error":"temporarily_unavailable"}"#)
        let server = try OAuth2TokenServer(behaviour)
        defer { server.stop() }
        let source = try OAuth2TokenSource(settings(server))
        do {
            _ = try await source.authorization()
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "oauth2: cannot fetch token: 503 Service Unavailable\nResponse: {\"error\":\"temporarily_unavailable\"}")
        }
        // Once the server answers again, the next request gets a token.
        server.update { $0.failure = nil }
        #expect(try await source.authorization() == "Bearer token-1")
        var wrong = settings(server)
        wrong.clientSecret = "nope"
        let other = try OAuth2TokenSource(wrong)
        await #expect(throws: (any Error).self) { try await other.authorization() }
        await other.shutdown()
        await source.shutdown()
    }

    @Test func aChangedSecretFileGetsANewToken() async throws {
        let server = try OAuth2TokenServer()
        defer { server.stop() }
        let file = FileManagerless.temporaryPath("oauth2-secret")
        try FileIO.writeAtomically(file, Array("s3cret\n".utf8), durable: false)
        var s = settings(server)
        s.clientSecret = ""
        s.clientSecretFile = file
        let source = try OAuth2TokenSource(s)
        #expect(try await source.authorization() == "Bearer token-1")
        server.update { $0.clientSecret = "rotated" }
        try FileIO.writeAtomically(file, Array("rotated".utf8), durable: false)
        #expect(try await source.authorization() == "Bearer token-2")
        await source.shutdown()
    }

    @Test func theTokenRequestUsesItsOwnProxy() async throws {
        let server = try OAuth2TokenServer()
        defer { server.stop() }
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        var s = settings(server)
        s.proxy.url = proxy.url
        let authorizer = try RequestAuthorizer({ var h = HTTPClientSettings(); h.auth = .oauth2(s); h.headers = [("X-Extra", "1")]; return h }())
        let headers = try await authorizer.headers()
        #expect(headers.map(\.name) == ["Authorization", "X-Extra"])
        #expect(headers.first?.value == "Bearer token-1")
        #expect(proxy.opened.count == 1)
        await authorizer.shutdown()
    }

    @Test func alloysChecksOfTheBlock() {
        var s = OAuth2Settings()
        #expect(s.problem == "oauth2 client_id must be configured")
        s.clientID = "a"
        #expect(s.problem == "either oauth2 client_secret or client_secret_file must be configured")
        s.clientSecret = "b"
        #expect(s.problem == "oauth2 token_url must be configured")
        s.tokenURL = "http://x/token"
        s.clientSecretFile = "/f"
        #expect(s.problem == "at most one of oauth2 client_secret & client_secret_file must be configured")
        s.clientSecretFile = nil
        #expect(s.problem == nil)
    }
}

/// A path in the temporary directory, unique to this run.
enum FileManagerless {
    static func temporaryPath(_ name: String) -> String { "/tmp/tributary-test-\(name)-\(UInt64.random(in: 0..<UInt64.max))" }
}
