import HTTPClientSupport
import Evaluation

/// Decodes Alloy's shared HTTP client arguments and blocks (`bearer_token`, `bearer_token_file`, `basic_auth`,
/// `authorization`, `oauth2`, `tls_config`, `proxy_url`, `no_proxy`, `proxy_from_environment`,
/// `proxy_connect_header`, `follow_redirects`, `enable_http2`, `http_headers`) from a block body. What cannot be
/// honoured is refused with a positioned error, never silently ignored.
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
        if let proxy = d.optional("proxy_url", as: String.self) {
            if HTTPClientSettings.hostAndPort(proxy, defaultPort: 80) == nil || !proxy.hasPrefix("http://") {
                d.error("proxy_url must be an http://host:port URL", attribute: "proxy_url")
            }
            s.proxyURL = proxy
        }
        for unsupported in ["no_proxy", "proxy_from_environment", "proxy_connect_header"] where d.has(unsupported) {
            _ = d.optional(unsupported, as: Value.self)
            d.error("\(unsupported) is not supported by Tributary yet (proxy_url is)", attribute: unsupported)
        }
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
            o.error("oauth2 is not supported by Tributary yet")
            e.absorb(&o)
        }
        if found.count > 1 { e.error("at most one of basic_auth, authorization, oauth2, bearer_token and bearer_token_file may be set") }
        return found.first ?? .none
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
