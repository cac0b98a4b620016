import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP proxy that tunnels with `CONNECT` (RFC 9110 §9.3.6) to loopback addresses only: it records each
/// `CONNECT` (the target and the headers) and, when `requiredAuthorization` is set, answers 407 to a request without
/// that `Proxy-Authorization`.
public final class ConnectProxy: Sendable {
    /// One `CONNECT` the proxy received.
    public struct Tunnel: Sendable {
        public var target: String
        public var headers: [(name: String, value: String)]
        public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    private let listener: LoopbackListener
    private let tunnels: Shared<[Tunnel]>
    public var port: Int { listener.port }
    public var url: String { "http://127.0.0.1:\(port)" }

    public init(requiredAuthorization: String? = nil) throws {
        let tunnels = Shared<[Tunnel]>([])
        self.tunnels = tunnels
        listener = try LoopbackListener { c in
            defer { close(c) }
            guard let (head, early) = LoopbackListener.readHead(c) else { return }
            let requestLine = (head.split(separator: "\r\n").first ?? "").split(separator: " ")
            guard requestLine.count == 3, requestLine[0] == "CONNECT" else {
                LoopbackListener.writeAll(c, Array("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".utf8))
                return
            }
            let target = String(requestLine[1])
            let tunnel = Tunnel(target: target, headers: LoopbackListener.headers(head))
            tunnels.withLock { $0.append(tunnel) }
            if let requiredAuthorization, tunnel.header("Proxy-Authorization") != requiredAuthorization {
                LoopbackListener.writeAll(c, Array("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n".utf8))
                return
            }
            guard let upstream = ConnectProxy.connectLoopback(target) else {
                LoopbackListener.writeAll(c, Array("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".utf8))
                return
            }
            defer { close(upstream) }
            LoopbackListener.writeAll(c, Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8))
            if !early.isEmpty { LoopbackListener.writeAll(upstream, early) }
            let done = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                ConnectProxy.relay(from: upstream, to: c)
                done.signal()
            }
            ConnectProxy.relay(from: c, to: upstream)
            done.wait()
        }
    }

    /// The tunnels opened so far.
    public var opened: [Tunnel] { tunnels.withLock { $0 } }

    public func stop() { listener.stop() }

    /// Copies bytes until the source ends, then ends the destination's writing side.
    static func relay(from a: Int32, to b: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(a, &buffer, buffer.count)
            if n <= 0 { break }
            LoopbackListener.writeAll(b, Array(buffer[0..<n]))
        }
        shutdown(b, Int32(SHUT_WR))
    }

    /// A connection to `127.0.0.1:port` or `localhost:port`; nil for any other host (the proxy never leaves loopback).
    static func connectLoopback(_ target: String) -> Int32? {
        guard let colon = target.lastIndex(of: ":"), let port = UInt16(target[target.index(after: colon)...]) else { return nil }
        let host = target[..<colon]
        guard host == "127.0.0.1" || host == "localhost" else { return nil }
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        if ok != 0 { close(s); return nil }
        return s
    }
}
