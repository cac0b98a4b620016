import Foundation

/// A CA and a server certificate for 127.0.0.1 in a fresh directory, made with the openssl command-line tool
/// (for serving the fake API server over TLS in tests).
public struct TestCertificates: Sendable {
    public let directory: String
    public var caFile: String { directory + "/ca.crt" }
    public var certificatePEM: String { (try? String(contentsOfFile: directory + "/server.crt", encoding: .utf8)) ?? "" }
    public var keyPEM: String { (try? String(contentsOfFile: directory + "/server.key", encoding: .utf8)) ?? "" }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tributary-pki-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let d = directory
        try Self.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                          "-keyout", d + "/ca.key", "-out", d + "/ca.crt", "-days", "2", "-subj", "/CN=tributary-test-ca"])
        try Self.openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                          "-keyout", d + "/server.key", "-out", d + "/server.csr", "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1\n".write(toFile: d + "/san.ext", atomically: true, encoding: .utf8)
        try Self.openssl(["x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
                          "-CAcreateserial", "-out", d + "/server.crt", "-days", "2", "-extfile", d + "/san.ext"])
    }

    struct OpenSSLFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var description: String { "openssl \(arguments.joined(separator: " ")) failed" }
    }

    static func openssl(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { throw OpenSSLFailed(arguments: args) }
    }
}
