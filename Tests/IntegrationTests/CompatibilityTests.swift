import Foundation
import Testing

/// `Tests/Compatibility/`: complete Alloy log configurations written the way Alloy's documentation writes them.
/// Each one validates and is already formatted as `alloy fmt` formats it; each with an `.input` runs through
/// `tributary test` (arguments from its `.args`, one per line) and prints exactly its `.expected`.
@Suite struct CompatibilityTests {
    static let folder = Repo.root.appendingPathComponent("Tests/Compatibility")
    static var configs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".alloy") }.sorted()
    }

    @Test func theSuiteIsThere() {
        #expect(Self.configs.count >= 12, "\(Self.configs)")
    }

    @Test(arguments: configs)
    func validatesAndIsFormatted(_ name: String) throws {
        let path = Self.folder.appendingPathComponent(name).path
        let (status, out, err) = try Agent.runToEnd(["validate", path])
        #expect(status == 0 && out.isEmpty, "\(err)")
        let (formatted, _, fmtErr) = try Agent.runToEnd(["fmt", "-t", path])
        #expect(formatted == 0, "\(name) is not in alloy fmt's form: \(fmtErr)")
    }

    @Test(arguments: configs.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0.replacingOccurrences(of: ".alloy", with: ".input")).path) })
    func runsWithExactOutput(_ name: String) throws {
        let base = Self.folder.appendingPathComponent(String(name.dropLast(".alloy".count))).path
        let args = try String(contentsOfFile: base + ".args", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let (status, out, err) = try Agent.runToEnd(["test", base + ".alloy", "--input", base + ".input"] + args)
        #expect(status == 0, "\(err)")
        #expect(out == (try String(contentsOfFile: base + ".expected", encoding: .utf8)))
    }
}
