import Foundation
import Logging
import Metrics
import NIOCore

/// What an informer reports: a complete fresh list, or one object added/changed/removed.
enum InformerUpdate<Object: KubeObject>: Sendable {
    case replaced([Object])
    case upserted(Object)
    case deleted(Object)
}

/// Lists then watches one kind of object (in one namespace, or all), keeping its resource version: bookmarks
/// advance it, `410 Gone` (as an answer or an ERROR event) starts over with a fresh list, and errors or a closed
/// stream reconnect with backoff from where the watch was.
final class Informer<Object: KubeObject>: Sendable {
    let client: KubeClient
    let namespace: String?
    let labelSelector: String?
    let fieldSelector: String?
    let role: String
    let logger: Logger
    let sink: @Sendable (InformerUpdate<Object>) -> Void
    let failures: Counter
    let events: (add: Counter, update: Counter, delete: Counter)
    let health: WatchHealth?

    init(client: KubeClient, namespace: String?, labelSelector: String?, fieldSelector: String?, role: String,
         componentID: String, logger: Logger, health: WatchHealth? = nil, sink: @escaping @Sendable (InformerUpdate<Object>) -> Void) {
        self.health = health
        self.client = client
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.role = role
        self.logger = logger
        self.sink = sink
        failures = Counter(label: "prometheus_sd_kubernetes_failures_total", dimensions: [("component_id", componentID)])
        func counter(_ event: String) -> Counter {
            Counter(label: "prometheus_sd_kubernetes_events_total", dimensions: [("component_id", componentID), ("role", role), ("event", event)])
        }
        events = (counter("add"), counter("update"), counter("delete"))
    }

    var path: String {
        if Object.namespaced, let namespace { return "\(Object.apiPrefix)/namespaces/\(namespace)/\(Object.resource)" }
        return "\(Object.apiPrefix)/\(Object.resource)"
    }

    private var selectors: [(String, String)] {
        var q: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { q.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { q.append(("fieldSelector", fieldSelector)) }
        return q
    }

    /// Runs until cancelled.
    func run() async {
        var resourceVersion: String? = nil
        var backoff: Duration = .milliseconds(500)
        var lastError = ""
        var justListed = false
        while !Task.isCancelled {
            do {
                if resourceVersion == nil {
                    resourceVersion = try await list()
                    justListed = true
                    health?.succeeded(client.baseURL + path)
                }
                try await watch(&resourceVersion, progressed: &justListed)
                backoff = .milliseconds(500)
                lastError = ""
                justListed = false
            } catch is ResourceVersionGone {
                logger.info("watch resource version expired (410 Gone); listing again", metadata: ["path": "\(path)"])
                resourceVersion = nil
                if justListed {
                    // Gone right after a fresh list: the server is unwell; do not hammer it with lists.
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(30))
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                failures.increment()
                let text = "\(error)"
                health?.failed(client.baseURL + path, text)
                // The same error again is logged at debug level, so a missing permission does not flood the log.
                // Refusals (401/403, bad answers) are errors; a dropped or timed-out stream is a warning.
                if text != lastError {
                    logger.log(level: error is APIError ? .error : .warning, "kubernetes discovery request failed; retrying",
                               metadata: ["path": "\(path)", "err": "\(text)"])
                }
                else { logger.debug("kubernetes discovery request failed again", metadata: ["err": "\(text)"]) }
                lastError = text
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
    }

    /// Lists every object (500 per page), reports them as one replacement, and returns the list's version.
    private func list() async throws -> String {
        var items: [Object] = []
        var next: String? = nil
        var version = ""
        repeat {
            var q = selectors + [("limit", "500")]
            if let next { q.append(("continue", next)) }
            let body = try await client.get(path, q)
            let page = try body.withUnsafeReadableBytes { try JSONDecoder().decode(ObjectList<Object>.self, from: Data($0)) }
            items += page.items ?? []
            version = page.metadata?.resourceVersion ?? version
            next = page.metadata?.continue
            if next?.isEmpty == true { next = nil }
        } while next != nil
        sink(.replaced(items))
        return version
    }

    /// Watches from `resourceVersion`, advancing it with every event, until the server closes the stream.
    /// `fresh` is cleared by the first event (the watch got somewhere after the list).
    private func watch(_ resourceVersion: inout String?, progressed fresh: inout Bool) async throws {
        let seconds = Int.random(in: 300...600)
        var q = selectors + [("watch", "1"), ("allowWatchBookmarks", "true"), ("timeoutSeconds", String(seconds))]
        if let rv = resourceVersion { q.append(("resourceVersion", rv)) }
        let decoder = JSONDecoder()
        var version = resourceVersion
        var sawEvent = false
        defer {
            resourceVersion = version
            if sawEvent { fresh = false }
        }
        try await client.stream(path, q, timeout: .seconds(Int64(seconds) + 60)) { line in
            let data = Data(line)
            let head = try decoder.decode(WatchEventHead.self, from: data)
            if head.type != "ERROR" { sawEvent = true }
            switch head.type {
            case "ADDED", "MODIFIED":
                let e = try decoder.decode(WatchEvent<Object>.self, from: data)
                (head.type == "ADDED" ? events.add : events.update).increment()
                version = e.object.metadata.resourceVersion ?? version
                sink(.upserted(e.object))
            case "DELETED":
                let e = try decoder.decode(WatchEvent<Object>.self, from: data)
                events.delete.increment()
                version = e.object.metadata.resourceVersion ?? version
                sink(.deleted(e.object))
            case "BOOKMARK":
                let e = try decoder.decode(BookmarkEvent.self, from: data)
                version = e.object.metadata?.resourceVersion ?? version
            case "ERROR":
                let status = try decoder.decode(ErrorEvent.self, from: data).object
                if status.code == 410 { throw ResourceVersionGone() }
                throw APIError(status: status.code ?? 0, message: status.message ?? "", path: path)
            default:
                logger.debug("ignoring an unknown watch event type", metadata: ["type": "\(head.type)"])
            }
        }
    }
}
