import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A Kubernetes API server stand-in on loopback for tests and benchmarks (no real API server can run here):
/// serves `GET /api/v1/{pods,nodes,namespaces,services,endpoints}`, `/apis/discovery.k8s.io/v1/endpointslices`,
/// `/apis/networking.k8s.io/v1/ingresses` and their `namespaces/<ns>/` forms as lists (with `limit` and
/// `continue` pages, `labelSelector` equality terms and `fieldSelector` `spec.nodeName=`/`metadata.name=`/
/// `metadata.namespace=`) and as watches (`watch=1`, newline-delimited events, `resourceVersion`,
/// `allowWatchBookmarks`), answering like a real API server: `Status` bodies, `410 Gone` for expired versions,
/// 401 without the expected bearer token, and whatever failure a test injects. TLS optional.
public final class FakeKubeAPI: @unchecked Sendable {
    /// A stored object: its JSON with the fields list/watch filter on.
    struct Stored {
        var json: [String: Any]
        var kind: String
        var namespace: String
        var name: String
        var nodeName: String
        var labels: [String: String]
    }
    struct Event {
        var version: Int
        var type: String
        var object: Stored
    }
    struct Watcher {
        var id: Int
        var resource: String
        var namespace: String?
        var labelSelector: [(String, String)]
        var fieldSelector: [(String, String)]
        var send: @Sendable (ByteBuffer) -> Void
        var close: @Sendable () -> Void
    }
    struct State {
        var objects: [String: Stored] = [:]   // "<kind>/<ns>/<name>"
        var version = 1000
        var events: [Event] = []
        var oldestWatchable = 0
        var watchers: [Int: Watcher] = [:]
        var nextWatcher = 0
        var token: String? = nil
        var forbidden: String? = nil
        var requests: [String] = []
        var authorizations: [String] = []
    }

    // Documents are `[String: Any]` (not Sendable): a plain lock guards them, which this class vouches for.
    private let lock = NSLock()
    private var stateStorage = State()
    private func withState<R>(_ body: (inout State) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&stateStorage)
    }
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var channel: (any Channel)?
    private let tls: NIOSSLContext?
    public private(set) var port = 0

    /// - Parameters:
    ///   - token: the bearer token every request must carry (nil: no check).
    ///   - certificatePEM/keyPEM: serve HTTPS with this certificate.
    public init(token: String? = nil, certificatePEM: String? = nil, keyPEM: String? = nil) throws {
        if let certificatePEM, let keyPEM {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            tls = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } else {
            tls = nil
        }
        stateStorage.token = token
    }

    public func start() throws {
        let tls = self.tls
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { ch in
                do {
                    if let tls { try ch.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try ch.pipeline.syncOperations.configureHTTPServerPipeline()
                    try ch.pipeline.syncOperations.addHandler(Handler(self))
                    return ch.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return ch.eventLoop.makeFailedFuture(error)
                }
            }
        channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        port = channel?.localAddress?.port ?? 0
    }

    public func shutdown() {
        closeWatches()
        try? channel?.close().wait()
        try? group.syncShutdownGracefully()
    }

    public var url: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    // MARK: test controls

    /// The token requests must now carry.
    public func setToken(_ token: String?) { withState { $0.token = token } }
    /// Answer every request with 403 and this message (nil: stop).
    public func setForbidden(_ message: String?) { withState { $0.forbidden = message } }
    /// `METHOD path?query` of every request so far.
    public var requests: [String] { withState { $0.requests } }
    /// The `Authorization` header of every request so far.
    public var authorizations: [String] { withState { $0.authorizations } }
    public var resourceVersion: Int { withState { $0.version } }
    public var watchCount: Int { withState { $0.watchers.count } }

    /// Adds or replaces an object (a pod, node or namespace document) and tells matching watchers.
    public func put(_ document: [String: Any]) {
        var stored = FakeKubeAPI.stored(document)
        let watchers = withState { s -> [(Watcher, ByteBuffer)] in
            let key = "\(stored.kind)/\(stored.namespace)/\(stored.name)"
            let type = s.objects[key] == nil ? "ADDED" : "MODIFIED"
            s.version += 1
            FakeKubeAPI.setVersion(&stored, s.version)
            s.objects[key] = stored
            let event = Event(version: s.version, type: type, object: stored)
            s.events.append(event)
            return s.watchers.values.filter { FakeKubeAPI.matches(stored, $0.resource, $0.namespace, $0.labelSelector, $0.fieldSelector) }
                .map { ($0, FakeKubeAPI.eventLine(event)) }
        }
        for (w, line) in watchers { w.send(line) }
    }

    /// Removes an object and tells matching watchers.
    public func delete(kind: String, namespace: String = "", name: String) {
        let watchers = withState { s -> [(Watcher, ByteBuffer)] in
            let key = "\(kind)/\(namespace)/\(name)"
            guard var stored = s.objects.removeValue(forKey: key) else { return [] }
            s.version += 1
            FakeKubeAPI.setVersion(&stored, s.version)
            let event = Event(version: s.version, type: "DELETED", object: stored)
            s.events.append(event)
            return s.watchers.values.filter { FakeKubeAPI.matches(stored, $0.resource, $0.namespace, $0.labelSelector, $0.fieldSelector) }
                .map { ($0, FakeKubeAPI.eventLine(event)) }
        }
        for (w, line) in watchers { w.send(line) }
    }

    /// Sends a BOOKMARK with the current version to every watcher.
    public func bookmark() {
        let (watchers, version) = withState { s in (Array(s.watchers.values), s.version) }
        for w in watchers {
            let kind = FakeKubeAPI.kind(of: w.resource)
            let doc: [String: Any] = ["type": "BOOKMARK", "object": ["kind": kind, "apiVersion": "v1", "metadata": ["resourceVersion": String(version)]]]
            w.send(FakeKubeAPI.line(doc))
        }
    }

    /// Forgets the event history (as etcd compaction does): watches from older versions get `410 Gone`.
    /// With `notifyWatchers`, open watches receive an ERROR event with a 410 Status, as a real server sends.
    /// With `includingCurrent`, even a watch from the current version is too old.
    public func compact(notifyWatchers: Bool, includingCurrent: Bool = false) {
        let watchers = withState { s -> [Watcher] in
            s.oldestWatchable = s.version + (includingCurrent ? 1 : 0)
            s.events.removeAll()
            return notifyWatchers ? Array(s.watchers.values) : []
        }
        for w in watchers {
            w.send(FakeKubeAPI.line(["type": "ERROR", "object": FakeKubeAPI.status(410, "Expired", "too old resource version: 1 (\(resourceVersion))")]))
            w.close()
        }
    }

    /// Drops every open watch connection (the server going away mid-stream).
    public func closeWatches() {
        let watchers = withState { s -> [Watcher] in defer { s.watchers = [:] }; return Array(s.watchers.values) }
        for w in watchers { w.close() }
    }

    // MARK: request handling

    enum Answer {
        case json(Int, [String: Any])
        case watch(resource: String, namespace: String?, labels: [(String, String)], fields: [(String, String)], since: Int, bookmarks: Bool)
    }

    /// The resources served: path segment → (kind, API group path).
    static let resources: [String: (kind: String, api: String)] = [
        "pods": ("Pod", "api/v1"), "nodes": ("Node", "api/v1"), "namespaces": ("Namespace", "api/v1"),
        "services": ("Service", "api/v1"), "endpoints": ("Endpoints", "api/v1"),
        "endpointslices": ("EndpointSlice", "apis/discovery.k8s.io/v1"), "ingresses": ("Ingress", "apis/networking.k8s.io/v1"),
    ]

    /// The kind of a resource (`pods` → `Pod`).
    static func kind(of resource: String) -> String { resources[resource]?.kind ?? "" }

    func answer(method: String, uri: String, authorization: String?) -> Answer {
        let (path, query) = FakeKubeAPI.split(uri)
        let (token, forbidden) = withState { s in
            s.requests.append("\(method) \(uri)")
            s.authorizations.append(authorization ?? "")
            return (s.token, s.forbidden)
        }
        if let token, authorization != "Bearer " + token { return .json(401, FakeKubeAPI.status(401, "Unauthorized", "Unauthorized")) }
        var parts = path.split(separator: "/").map(String.init)
        var resource = "", namespace: String? = nil
        if let last = parts.last, let r = FakeKubeAPI.resources[last] {
            parts.removeLast()
            if parts.count >= 2, parts[parts.count - 2] == "namespaces", r.kind != "Namespace" && r.kind != "Node" {
                namespace = parts.removeLast()
                parts.removeLast()
            }
            if parts.joined(separator: "/") == r.api { resource = last }
        }
        guard method == "GET", !resource.isEmpty else {
            return .json(404, FakeKubeAPI.status(404, "NotFound", "the server could not find the requested resource"))
        }
        if let forbidden {
            let scope = namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
            return .json(403, FakeKubeAPI.status(403, "Forbidden", "\(resource) is forbidden: \(forbidden) cannot list resource \"\(resource)\" in API group \"\" \(scope)"))
        }
        let labels = FakeKubeAPI.selector(query["labelSelector"])
        let fields = FakeKubeAPI.selector(query["fieldSelector"])
        if query["watch"] == "1" || query["watch"] == "true" {
            let since = Int(query["resourceVersion"] ?? "") ?? 0
            let oldest = withState { $0.oldestWatchable }
            if since != 0 && since < oldest {
                return .json(410, FakeKubeAPI.status(410, "Expired", "too old resource version: \(since) (\(oldest))"))
            }
            return .watch(resource: resource, namespace: namespace, labels: labels, fields: fields, since: since, bookmarks: query["allowWatchBookmarks"] == "true")
        }
        let limit = Int(query["limit"] ?? "") ?? Int.max
        let start = Int(query["continue"] ?? "") ?? 0
        let (items, version) = withState { s -> ([Stored], Int) in
            let all = s.objects.keys.sorted().map { s.objects[$0]! }
                .filter { FakeKubeAPI.matches($0, resource, namespace, labels, fields) }
            return (all, s.version)
        }
        let page = Array(items.dropFirst(start).prefix(limit))
        var meta: [String: Any] = ["resourceVersion": String(version)]
        if start + page.count < items.count { meta["continue"] = String(start + page.count) }
        let api = FakeKubeAPI.resources[resource]!.api
        return .json(200, ["kind": FakeKubeAPI.kind(of: resource) + "List", "apiVersion": api == "api/v1" ? "v1" : String(api.dropFirst(5)),
                           "metadata": meta, "items": page.map(\.json)])
    }

    /// Registers a watcher and returns the events it missed since `since`.
    func addWatcher(resource: String, namespace: String?, labels: [(String, String)], fields: [(String, String)], since: Int,
                    send: @escaping @Sendable (ByteBuffer) -> Void, close: @escaping @Sendable () -> Void) -> (Int, [ByteBuffer]) {
        withState { s in
            let id = s.nextWatcher
            s.nextWatcher += 1
            s.watchers[id] = Watcher(id: id, resource: resource, namespace: namespace, labelSelector: labels, fieldSelector: fields, send: send, close: close)
            var backlog: [ByteBuffer] = []
            if since == 0 {
                // No version: a real server starts with synthetic ADDED events for everything that exists.
                for o in s.objects.keys.sorted().map({ s.objects[$0]! }) where FakeKubeAPI.matches(o, resource, namespace, labels, fields) {
                    backlog.append(FakeKubeAPI.eventLine(Event(version: s.version, type: "ADDED", object: o)))
                }
            } else {
                for e in s.events where e.version > since && FakeKubeAPI.matches(e.object, resource, namespace, labels, fields) {
                    backlog.append(FakeKubeAPI.eventLine(e))
                }
            }
            return (id, backlog)
        }
    }

    func removeWatcher(_ id: Int) { _ = withState { $0.watchers.removeValue(forKey: id) } }

    // MARK: helpers

    static func stored(_ doc: [String: Any]) -> Stored {
        let meta = doc["metadata"] as? [String: Any] ?? [:]
        let spec = doc["spec"] as? [String: Any] ?? [:]
        return Stored(json: doc, kind: doc["kind"] as? String ?? "Pod", namespace: meta["namespace"] as? String ?? "",
                      name: meta["name"] as? String ?? "", nodeName: spec["nodeName"] as? String ?? "",
                      labels: meta["labels"] as? [String: String] ?? [:])
    }

    static func setVersion(_ s: inout Stored, _ v: Int) {
        var meta = s.json["metadata"] as? [String: Any] ?? [:]
        meta["resourceVersion"] = String(v)
        s.json["metadata"] = meta
    }

    static func matches(_ o: Stored, _ resource: String, _ namespace: String?, _ labels: [(String, String)], _ fields: [(String, String)]) -> Bool {
        guard o.kind == FakeKubeAPI.kind(of: resource) else { return false }
        if let namespace, o.namespace != namespace { return false }
        for (k, v) in labels where o.labels[k] != v { return false }
        for (k, v) in fields {
            switch k {
            case "spec.nodeName": if o.nodeName != v { return false }
            case "metadata.name": if o.name != v { return false }
            case "metadata.namespace": if o.namespace != v { return false }
            default: return false
            }
        }
        return true
    }

    static func selector(_ text: String?) -> [(String, String)] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: ",").map { term in
            let kv = term.split(separator: "=", maxSplits: 1).map(String.init)
            return (kv[0].trimmingCharacters(in: .whitespaces), kv.count > 1 ? kv[1].trimmingCharacters(in: .whitespaces) : "")
        }
    }

    static func split(_ uri: String) -> (String, [String: String]) {
        guard let q = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: q)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            query[kv[0]] = kv.count > 1 ? (kv[1].removingPercentEncoding ?? kv[1]) : ""
        }
        return (String(uri[..<q]), query)
    }

    static func status(_ code: Int, _ reason: String, _ message: String) -> [String: Any] {
        ["kind": "Status", "apiVersion": "v1", "metadata": [String: Any](), "status": "Failure", "message": message, "reason": reason, "code": code]
    }

    static func eventLine(_ e: Event) -> ByteBuffer { line(["type": e.type, "object": e.object.json]) }

    static func line(_ doc: [String: Any]) -> ByteBuffer {
        var data = (try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])) ?? Data()
        data.append(10)
        return ByteBuffer(bytes: data)
    }
}

/// One connection: answers lists at once, keeps watches open and streams their events.
private final class Handler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let api: FakeKubeAPI
    var head: HTTPRequestHead?
    var watcher: Int?

    init(_ api: FakeKubeAPI) { self.api = api }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break
        case .end:
            guard let head else { return }
            respond(context, head)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let watcher { api.removeWatcher(watcher) }
        context.fireChannelInactive()
    }

    private func respond(_ context: ChannelHandlerContext, _ head: HTTPRequestHead) {
        switch api.answer(method: head.method.rawValue, uri: head.uri, authorization: head.headers.first(name: "Authorization")) {
        case .json(let code, let doc):
            let body = (try? JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])) ?? Data()
            var h = HTTPHeaders()
            h.add(name: "Content-Type", value: "application/json")
            h.add(name: "Content-Length", value: String(body.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: code), headers: h))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .watch(let resource, let namespace, let labels, let fields, let since, _):
            var h = HTTPHeaders()
            h.add(name: "Content-Type", value: "application/json")
            h.add(name: "Transfer-Encoding", value: "chunked")
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: h))), promise: nil)
            let loop = context.eventLoop
            let box = NIOLoopBound(context, eventLoop: loop)
            let send: @Sendable (ByteBuffer) -> Void = { buffer in
                loop.execute { box.value.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil) }
            }
            let close: @Sendable () -> Void = {
                loop.execute { box.value.close(promise: nil) }
            }
            let (id, backlog) = api.addWatcher(resource: resource, namespace: namespace, labels: labels, fields: fields, since: since, send: send, close: close)
            watcher = id
            for b in backlog { context.write(wrapOutboundOut(.body(.byteBuffer(b))), promise: nil) }
            context.flush()
        }
    }
}
