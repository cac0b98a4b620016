import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// One request for a whole document (Alloy's `remote.http`, which `import.http` uses): the answer's body when the
/// server says `200 OK`, otherwise an error with its status and the start of its body.
public enum DocumentFetch {
    /// An answer other than 200, or a body over the limit.
    public struct Refused: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func fetch(url: String, method: String = "GET", headers: [String: String] = [:], body: String = "",
                             settings: HTTPClientSettings, timeout: Duration, limit: Int = 16 << 20) async throws -> [UInt8] {
        let authorizer = try RequestAuthorizer(settings)
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: try settings.clientConfiguration(for: url, connectTimeout: timeout))
        let result: Result<[UInt8], any Error>
        do {
            result = .success(try await get(client, authorizer, url: url, method: method, headers: headers, body: body,
                                            timeout: timeout, limit: limit))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        await authorizer.shutdown()
        return try result.get()
    }

    private static func get(_ client: HTTPClient, _ authorizer: RequestAuthorizer, url: String, method: String,
                            headers: [String: String], body: String, timeout: Duration, limit: Int) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        request.headers.add(name: "User-Agent", value: "Tributary/0.1")
        for (name, value) in try await authorizer.headers() { request.headers.add(name: name, value: value) }
        for name in headers.keys.sorted() { request.headers.replaceOrAdd(name: name, value: headers[name]!) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
        if response.status != .ok {
            let text = (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
            throw Refused(description: "unexpected status code \(response.status.code) \(response.status.reasonPhrase)"
                          + (text.isEmpty ? "" : ": " + String(text.prefix(512))))
        }
        do {
            let buffer = try await response.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Refused(description: "the answer is larger than \(limit) bytes")
        }
    }
}
