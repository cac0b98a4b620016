import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An OAuth2 token endpoint (RFC 6749 §4.4, client credentials) on loopback: it checks the client's credentials —
/// in a Basic `Authorization` header or, with `credentialsInForm`, in the form — and answers
/// `{"access_token":"token-N","token_type":"bearer","expires_in":lifetime}`, a new token each time; a wrong client
/// gets 401 `{"error":"invalid_client"}`. Every request is recorded.
public final class OAuth2TokenServer: Sendable {
    /// One token request: its headers and form fields.
    public struct Request: Sendable {
        public var headers: [(name: String, value: String)]
        public var form: [String: String]
        public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    /// What the server answers.
    public struct Behaviour: Sendable {
        public var clientID = "tributary"
        public var clientSecret = "s3cret"
        /// `expires_in` in seconds; nil leaves it out (a token that never expires).
        public var lifetime: Int? = 3600
        /// Accept the credentials only in the form (servers that refuse Basic auth).
        public var credentialsInForm = false
        /// Answer this status and body instead of a token.
        public var failure: (status: Int, body: String)? = nil
        public init() {}
    }

    private let listener: LoopbackListener
    private let state: Shared<(behaviour: Behaviour, requests: [Request], issued: Int)>
    public var url: String { "http://127.0.0.1:\(listener.port)/oauth2/token" }

    public init(_ behaviour: Behaviour = Behaviour()) throws {
        let state = Shared<(behaviour: Behaviour, requests: [Request], issued: Int)>((behaviour, [], 0))
        self.state = state
        listener = try LoopbackListener { c in
            defer { close(c) }
            guard let (head, early) = LoopbackListener.readHead(c) else { return }
            let headers = LoopbackListener.headers(head)
            let length = Int(headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? 0
            var body = early
            var chunk = [UInt8](repeating: 0, count: 4096)
            while body.count < length {
                let n = read(c, &chunk, chunk.count)
                if n <= 0 { break }
                body += chunk[0..<n]
            }
            var form: [String: String] = [:]
            for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
                }
                if kv.count == 2 { form[kv[0]] = kv[1] }
            }
            let request = Request(headers: headers, form: form)
            let (status, text) = state.withLock { s -> (Int, String) in
                s.requests.append(request)
                if let f = s.behaviour.failure { return (f.status, f.body) }
                let b = s.behaviour
                var id = form["client_id"], secret = form["client_secret"]
                if !b.credentialsInForm, let auth = request.header("Authorization"), auth.hasPrefix("Basic "),
                   let decoded = Data(base64Encoded: String(auth.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
                   let colon = decoded.firstIndex(of: ":") {
                    id = String(decoded[..<colon]).removingPercentEncoding
                    secret = String(decoded[decoded.index(after: colon)...]).removingPercentEncoding
                }
                guard id == b.clientID, secret == b.clientSecret, form["grant_type"] == "client_credentials" else {
                    return (401, #"{"error":"invalid_client","error_description":"client authentication failed"}"#)
                }
                s.issued += 1
                let expires = b.lifetime.map { ",\"expires_in\":\($0)" } ?? ""
                return (200, "{\"access_token\":\"token-\(s.issued)\",\"token_type\":\"bearer\"\(expires)}")
            }
            let reason = [200: "OK", 401: "Unauthorized", 500: "Internal Server Error", 503: "Service Unavailable"][status] ?? "Error"
            LoopbackListener.writeAll(c, Array("HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n\(text)".utf8))
        }
    }

    /// The requests received so far.
    public var requests: [Request] { state.withLock { $0.requests } }
    /// How many tokens were issued.
    public var issued: Int { state.withLock { $0.issued } }

    /// Changes what the server answers from now on.
    public func update(_ change: (inout Behaviour) -> Void) { state.withLock { change(&$0.behaviour) } }

    public func stop() { listener.stop() }
}
