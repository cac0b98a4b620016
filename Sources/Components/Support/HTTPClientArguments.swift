import HTTPClientSupport
import Evaluation

/// Decodes Alloy's shared HTTP client arguments and blocks (`bearer_token`, `bearer_token_file`, `basic_auth`,
/// `authorization`, `oauth2`, `tls_config`, `proxy_url`, `no_proxy`, `proxy_from_environment`,
/// `proxy_connect_header`, `follow_redirects`, `enable_http2`, `http_headers`) from a block body, with Alloy's
/// checks of their combinations; what cannot be honoured is refused with a positioned error, never ignored.
enum HTTPClientArguments {
    static func decode(_ d: inout BodyDecoder) -> HTTPClientSettings {
        var s = HTTPClientSettings()
        s.auth = auth(&d)
        s.tls = tls(&d)
        d.read("follow_redirects", into: &s.followRedirects)
        d.read("enable_http2", into: &s.enableHTTP2)
        if let headers = d.optional("http_headers", as: [String: [Secret]].self) {
            for name in headers.keys.sorted() { for v in headers[name]! { s.headers.append((name, v.value)) } }
        }
        s.proxy = proxy(&d)
        return s
    }

    static func auth(_ e: inout BodyDecoder) -> HTTPAuth {
        var found: [HTTPAuth] = []
        if let t = e.optional("bearer_token", as: Secret.self) { found.append(.bearer(t.value)) }
        if let f = e.optional("bearer_token_file", as: String.self) { found.append(.bearerFile(f)) }
        if var b = e.block("basic_auth") {
            let user: String = b.attribute("username", default: "")
            if let p = b.optional("password_file", as: String.self) {
                found.append(.basicPasswordFile(username: user, path: p))
                if b.has("password") { b.error("password and password_file are mutually exclusive", attribute: "password") }
            } else {
                found.append(.basic(username: user, password: b.attribute("password", default: Secret("")).value))
            }
            e.absorb(&b)
        }
        if var a = e.block("authorization") {
            let type: String = a.attribute("type", default: "Bearer")
            if type != "Bearer" { a.error("only authorization type Bearer is supported", attribute: "type") }
            if let f = a.optional("credentials_file", as: String.self) { found.append(.bearerFile(f)) }
            else { found.append(.bearer(a.attribute("credentials", default: Secret("")).value)) }
            e.absorb(&a)
        }
        if var o = e.block("oauth2") {
            found.append(.oauth2(oauth2(&o)))
            e.absorb(&o)
        }
        if found.count > 1 { e.error("at most one of basic_auth, authorization, oauth2, bearer_token and bearer_token_file may be set") }
        return found.first ?? .none
    }

    /// `proxy_url`, `no_proxy`, `proxy_from_environment`, `proxy_connect_header`, with Alloy's checks.
    static func proxy(_ d: inout BodyDecoder) -> ProxySettings {
        var p = ProxySettings()
        if let url = d.optional("proxy_url", as: String.self), !url.isEmpty {
            do { _ = try ProxyServer(url) } catch { d.error("\(error)", attribute: "proxy_url") }
            p.url = url
        }
        d.read("no_proxy", into: &p.noProxy)
        d.read("proxy_from_environment", into: &p.fromEnvironment)
        if let headers = d.optional("proxy_connect_header", as: [String: [Secret]].self) {
            for name in headers.keys.sorted() {
                for v in headers[name]! { p.connectHeaders.append((name, v.value)) }
                let lower = name.lowercased()
                if lower == "host" {
                    d.error("proxy_connect_header cannot set Host", attribute: "proxy_connect_header")
                } else if lower == "proxy-authorization", let v = headers[name]!.first?.value,
                          !(v.hasPrefix("Basic ") || v.hasPrefix("Bearer ")) || headers[name]!.count > 1 {
                    d.error("proxy_connect_header Proxy-Authorization must be one Basic or Bearer value", attribute: "proxy_connect_header")
                }
            }
        }
        if let problem = p.combinationProblem { d.error(problem) }
        return p
    }

    /// The `oauth2` block (client credentials), with Alloy's checks.
    static func oauth2(_ o: inout BodyDecoder) -> OAuth2Settings {
        var s = OAuth2Settings()
        o.read("client_id", into: &s.clientID)
        s.clientSecret = o.optional("client_secret", as: Secret.self)?.value ?? ""
        s.clientSecretFile = o.optional("client_secret_file", as: String.self)
        o.read("scopes", into: &s.scopes)
        o.read("token_url", into: &s.tokenURL)
        o.read("endpoint_params", into: &s.endpointParams)
        s.tls = tls(&o)
        s.proxy = proxy(&o)
        if !s.tokenURL.isEmpty, HTTPClientSettings.hostAndPort(s.tokenURL, defaultPort: 80) == nil {
            o.error("oauth2 token_url must be an http:// or https:// URL", attribute: "token_url")
        }
        if let problem = s.problem, s.proxy.combinationProblem == nil { o.error(problem) }
        return s
    }

    static func tls(_ e: inout BodyDecoder) -> TLSSettings? {
        guard var t = e.block("tls_config") else { return nil }
        var tls = TLSSettings()
        tls.caFile = t.optional("ca_file")
        tls.caPEM = t.optional("ca_pem")
        tls.certFile = t.optional("cert_file")
        tls.certPEM = t.optional("cert_pem")
        tls.keyFile = t.optional("key_file")
        tls.keyPEM = t.optional("key_pem", as: Secret.self)?.value
        t.read("insecure_skip_verify", into: &tls.insecureSkipVerify)
        tls.serverName = t.optional("server_name")
        if let v = t.optional("min_version", as: String.self), !["TLS12", "TLS13"].contains(v) {
            t.error("min_version \(v) is not supported: Tributary speaks TLS 1.2 and 1.3", attribute: "min_version")
        }
        if tls.caFile != nil && tls.caPEM != nil { t.error("ca_file and ca_pem are mutually exclusive", attribute: "ca_pem") }
        if tls.certFile != nil && tls.certPEM != nil { t.error("cert_file and cert_pem are mutually exclusive", attribute: "cert_pem") }
        if tls.keyFile != nil && tls.keyPEM != nil { t.error("key_file and key_pem are mutually exclusive", attribute: "key_pem") }
        if (tls.certFile != nil || tls.certPEM != nil) && tls.keyFile == nil && tls.keyPEM == nil {
            t.error("a client certificate needs its key (key_file or key_pem)")
        }
        if tls.serverName != nil {
            t.warning("server_name is not used: the certificate is checked against the URL's host", attribute: "server_name")
        }
        e.absorb(&t)
        return tls
    }
}
