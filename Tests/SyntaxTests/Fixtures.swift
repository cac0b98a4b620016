import Foundation

/// Locates the golden fixtures shipped with this test target.
enum Fixtures {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func files(in sub: String, suffix: String) -> [URL] {
        let dir = directory.appendingPathComponent(sub)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { dir.appendingPathComponent($0) }
    }

    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }

    /// With TRIBUTARY_UPDATE_GOLDEN=1 the expected files are rewritten instead of compared.
    static var updating: Bool { ProcessInfo.processInfo.environment["TRIBUTARY_UPDATE_GOLDEN"] == "1" }
}
