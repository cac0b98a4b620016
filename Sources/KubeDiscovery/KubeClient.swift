import AsyncHTTPClient
import Foundation
import HTTPClientSupport
import LogCore
import NIOCore
import NIOHTTP1

/// An error answer of the API server: the status code and its `Status` message.
public struct APIError: Error, CustomStringConvertible, Sendable {
    public var status: Int
    public var message: String
    public var path: String
    public var description: String {
        var s = "\(path): the API server answered \(status)"
        if !message.isEmpty { s += ": " + message }
        switch status {
        case 401: s += " (the credentials were not accepted: check the service-account token or kubeconfig user)"
        case 403: s += " (permission missing: the service account needs get, list and watch on this resource — see deploy/kubernetes/rbac.yaml)"
        default: break
        }
        return s
    }
}

/// A list or watch that must restart from a fresh list (`410 Gone`: the resource version is too old).
struct ResourceVersionGone: Error {}

/// GET requests to the API server: whole JSON answers (lists) and endless line streams (watches).
final class KubeClient: Sendable {
    let baseURL: String
    let settings: HTTPClientSettings
    private let http: HTTPClient
    private let authorizer: RequestAuthorizer

    init(baseURL: String, settings: HTTPClientSettings) throws {
        self.baseURL = baseURL
        self.settings = settings
        let configuration = try settings.clientConfiguration(for: baseURL, connectTimeout: .seconds(10))
        authorizer = try RequestAuthorizer(settings)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await http.shutdown()
        await authorizer.shutdown()
    }

    /// `path?query` with every query value percent-encoded.
    static func url(_ base: String, _ path: String, _ query: [(String, String)]) -> String {
        var u = base + path
        for (i, (k, v)) in query.enumerated() {
            u += (i == 0 ? "?" : "&") + k + "=" + percentEncode(v)
        }
        return u
    }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private func request(_ path: String, _ query: [(String, String)]) async throws -> HTTPClientRequest {
        var r = HTTPClientRequest(url: KubeClient.url(baseURL, path, query))
        r.method = .GET
        r.headers.add(name: "Accept", value: "application/json")
        r.headers.add(name: "User-Agent", value: "Tributary/0.1")
        for (k, v) in try await authorizer.headers() { r.headers.add(name: k, value: v) }
        return r
    }

    private func check(_ response: HTTPClientResponse, _ path: String) async throws {
        let code = Int(response.status.code)
        guard code != 200 else { return }
        let body = (try? await response.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
        if code == 410 { throw ResourceVersionGone() }
        let message = (try? JSONDecoder().decode(APIStatus.self, from: Data(body.utf8)))?.message ?? String(body.prefix(512))
        throw APIError(status: code, message: message, path: path)
    }

    /// A whole JSON answer (bounded to 512 MiB).
    func get(_ path: String, _ query: [(String, String)], timeout: Duration = .seconds(60)) async throws -> ByteBuffer {
        let response = try await http.execute(try await request(path, query), timeout: .nanoseconds(timeout.nanoseconds))
        try await check(response, path)
        return try await response.body.collect(upTo: 512 << 20)
    }

    /// Calls `line` for every newline-terminated line of a streamed answer until the server ends it.
    func stream(_ path: String, _ query: [(String, String)], timeout: Duration,
                line: (UnsafeRawBufferPointer) throws -> Void) async throws {
        let response = try await http.execute(try await request(path, query), timeout: .nanoseconds(timeout.nanoseconds))
        try await check(response, path)
        var pending: [UInt8] = []
        for try await chunk in response.body {
            chunk.withUnsafeReadableBytes { pending.append(contentsOf: $0) }
            var start = 0
            try pending.withUnsafeBytes { raw in
                while let nl = raw[start...].firstIndex(of: 10) {
                    if nl > start { try line(UnsafeRawBufferPointer(rebasing: raw[start..<nl])) }
                    start = nl + 1
                }
            }
            pending.removeFirst(start)
            if pending.count > 64 << 20 { throw APIError(status: 200, message: "a watch event line exceeded 64 MiB", path: path) }
        }
    }
}

extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
