import Codecs
import Foundation
import HTTPClientSupport
import Yams

/// Where the API server is and how to authenticate, resolved the way Alloy does: `kubeconfig_file` wins;
/// without `api_server` the in-cluster service account is used; otherwise `api_server` with the HTTP client
/// arguments.
public enum ConnectionConfig: Sendable, Equatable {
    case inCluster
    case kubeconfig(path: String)
    case apiServer(url: String, settings: HTTPClientSettings)

    /// The service-account directory; `TRIBUTARY_SERVICEACCOUNT_DIR` overrides it (tests, unusual mounts).
    public static var serviceAccountDirectory: String {
        ProcessInfo.processInfo.environment["TRIBUTARY_SERVICEACCOUNT_DIR"] ?? "/var/run/secrets/kubernetes.io/serviceaccount"
    }

    /// The base URL and client settings to talk to the API server with.
    public func resolve() throws -> (baseURL: String, settings: HTTPClientSettings) {
        switch self {
        case .apiServer(let url, let settings):
            // User information in the URL becomes basic auth (unless other auth is set) and leaves the URL.
            let target = URLCredentials(url)
            var u = target.url
            while u.hasSuffix("/") { u.removeLast() }
            return (u, target.applied(to: settings))
        case .inCluster:
            let env = ProcessInfo.processInfo.environment
            guard let host = env["KUBERNETES_SERVICE_HOST"], !host.isEmpty, let port = env["KUBERNETES_SERVICE_PORT"], !port.isEmpty else {
                throw SettingsError(message: "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (set api_server or kubeconfig_file)")
            }
            let dir = ConnectionConfig.serviceAccountDirectory
            var s = HTTPClientSettings()
            // The projected token rotates (hourly): it is re-read for every request.
            s.auth = .bearerFile(dir + "/token")
            var tls = TLSSettings()
            tls.caFile = dir + "/ca.crt"
            s.tls = tls
            let h = host.contains(":") ? "[\(host)]" : host
            return ("https://\(h):\(port)", s)
        case .kubeconfig(let path):
            return try Kubeconfig.load(path)
        }
    }
}

/// The current context of a kubeconfig file: its cluster's server and CA, and its user's credentials.
enum Kubeconfig {
    struct File: Decodable {
        var currentContext: String?
        var contexts: [Named<Context>]?
        var clusters: [Named<Cluster>]?
        var users: [Named<User>]?
        enum CodingKeys: String, CodingKey {
            case currentContext = "current-context"
            case contexts, clusters, users
        }
    }
    struct Named<T: Decodable>: Decodable {
        var name: String
        var context: T?
        var cluster: T?
        var user: T?
        var value: T? { context ?? cluster ?? user }
    }
    struct Context: Decodable {
        var cluster: String?
        var user: String?
    }
    struct Cluster: Decodable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?
        var proxyURL: String?
        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
            case proxyURL = "proxy-url"
        }
    }
    struct User: Decodable {
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var username: String?
        var password: String?
        var exec: YAMLAnything?
        var authProvider: YAMLAnything?
        enum CodingKeys: String, CodingKey {
            case token, tokenFile, username, password, exec
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case authProvider = "auth-provider"
        }
    }
    /// Any YAML value (only its presence matters).
    struct YAMLAnything: Decodable {
        init(from decoder: Decoder) throws {}
    }

    static func load(_ path: String) throws -> (baseURL: String, settings: HTTPClientSettings) {
        let text: String
        do { text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) } catch {
            throw SettingsError(message: "cannot read kubeconfig_file \(path): \(error.localizedDescription)")
        }
        let file: File
        do { file = try YAMLDecoder().decode(File.self, from: text) } catch {
            throw SettingsError(message: "\(path): not a valid kubeconfig: \(error)")
        }
        let base = (path as NSString).deletingLastPathComponent
        func relative(_ p: String) -> String { p.hasPrefix("/") || base.isEmpty ? p : base + "/" + p }
        func pem(_ b64: String, _ what: String) throws -> String {
            guard let d = Base64.decode(b64) else {
                throw SettingsError(message: "\(path): \(what) is not valid base64")
            }
            return String(decoding: d, as: UTF8.self)
        }
        guard let current = file.currentContext, !current.isEmpty else { throw SettingsError(message: "\(path): no current-context") }
        guard let context = file.contexts?.first(where: { $0.name == current })?.value else {
            throw SettingsError(message: "\(path): context \"\(current)\" is not defined")
        }
        guard let clusterName = context.cluster, let cluster = file.clusters?.first(where: { $0.name == clusterName })?.value else {
            throw SettingsError(message: "\(path): cluster \"\(context.cluster ?? "")\" of context \"\(current)\" is not defined")
        }
        guard var server = cluster.server, !server.isEmpty else { throw SettingsError(message: "\(path): cluster \"\(clusterName)\" has no server") }
        while server.hasSuffix("/") { server.removeLast() }
        var s = HTTPClientSettings()
        var tls = TLSSettings()
        if let ca = cluster.certificateAuthority { tls.caFile = relative(ca) }
        if let data = cluster.certificateAuthorityData { tls.caPEM = try pem(data, "certificate-authority-data") }
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify ?? false
        tls.serverName = cluster.tlsServerName
        s.proxy.url = cluster.proxyURL
        if let userName = context.user {
            guard let user = file.users?.first(where: { $0.name == userName })?.value else {
                throw SettingsError(message: "\(path): user \"\(userName)\" of context \"\(current)\" is not defined")
            }
            if user.exec != nil || user.authProvider != nil {
                throw SettingsError(message: "\(path): user \"\(userName)\" uses an exec or auth-provider plugin, which Tributary does not run; use a token, tokenFile or client certificate")
            }
            if let c = user.clientCertificate { tls.certFile = relative(c) }
            if let c = user.clientCertificateData { tls.certPEM = try pem(c, "client-certificate-data") }
            if let k = user.clientKey { tls.keyFile = relative(k) }
            if let k = user.clientKeyData { tls.keyPEM = try pem(k, "client-key-data") }
            if let t = user.token { s.auth = .bearer(t) } else if let f = user.tokenFile { s.auth = .bearerFile(relative(f)) }
            else if let u = user.username { s.auth = .basic(username: u, password: user.password ?? "") }
        }
        if server.hasPrefix("https://") { s.tls = tls }
        return (server, s)
    }
}
