import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Idle or hostile HTTP clients cannot take the agent's file descriptors: connections beyond a limit are closed as
/// they arrive, and every connection must finish its request within a deadline.
@Suite struct HTTPServerLimitsTests {
    /// A TCP connection to 127.0.0.1:`port` that sends nothing.
    static func idleConnection(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if ok != 0 { close(fd); return nil }
        return fd
    }

    /// Whether the server closed the connection (a read returns end of file) within `seconds`.
    static func closedByServer(_ fd: Int32, within seconds: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, seconds * 1000) > 0 else { return false }
        var byte: UInt8 = 0
        return read(fd, &byte, 1) <= 0
    }

    @Test func idleConnectionsAreLimitedAndTimedOut() throws {
        let dir = temporaryDirectory()
        let cfg = dir.appendingPathComponent("c.alloy")
        try Data("loki.echo \"e\" { }\n".utf8).write(to: cfg)
        let agent = try Agent(["run", cfg.path, "--storage.path", dir.appendingPathComponent("data").path, "--server.http.listen-addr", "127.0.0.1:0"])
        defer { _ = agent.stop(SIGTERM) }
        #expect(agent.waitFor { $0.listenAddress != nil })
        guard let addr = agent.listenAddress, let port = Int(addr.split(separator: ":").last ?? "") else {
            Issue.record("no listen address: \(agent.stderr)")
            return
        }
        var fds: [Int32] = []
        defer { fds.forEach { close($0) } }
        for _ in 0..<160 { if let fd = Self.idleConnection(port: port) { fds.append(fd) } }
        #expect(fds.count == 160)
        // Those past the limit are closed at once.
        let refusedAtOnce = fds.suffix(32).filter { Self.closedByServer($0, within: 5) }.count
        #expect(refusedAtOnce == 32)
        #expect(agent.waitFor(timeout: 5) { $0.stderr.contains("HTTP connection refused: 128 already open") }, "\(agent.stderr)")
        // The admitted ones, idle, are closed at the request deadline, and the endpoint answers again.
        #expect(Self.closedByServer(fds[0], within: 25))
        #expect(httpGet("http://\(addr)/-/ready")?.0 == 200)
    }
}
