import Foundation
import Testing

/// The layout a newcomer relies on: the README's module table is `Package.swift`'s graph, the agent links no test
/// double or benchmark code, and each stage and component lives in the file its config name points to.
@Suite struct LayoutTests {
    /// Targets as `swift package dump-package` reports them: name → (kind, path, project targets it depends on).
    static func packageTargets() throws -> [String: (type: String, path: String?, dependencies: Set<String>)] {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tributary-layout-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // A scratch path of its own: never waits for the lock of the build that runs these tests.
        p.arguments = ["swift", "package", "--package-path", Repo.root.path, "--scratch-path", scratch.path, "dump-package"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var result: [String: (type: String, path: String?, dependencies: Set<String>)] = [:]
        for t in try #require(json["targets"] as? [[String: Any]]) {
            var deps = Set<String>()
            for d in t["dependencies"] as? [[String: Any]] ?? [] {
                if let byName = d["byName"] as? [Any], let name = byName.first as? String { deps.insert(name) }
                if let target = d["target"] as? [Any], let name = target.first as? String { deps.insert(name) }
            }
            result[t["name"] as! String] = (t["type"] as! String, t["path"] as? String, deps)
        }
        return result
    }

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: Repo.root.appendingPathComponent(relative), encoding: .utf8)
    }

    @Test func readmeModuleTableIsThePackageGraph() throws {
        let targets = try Self.packageTargets()
        let readme = try Self.text("README.md")
        let table = try #require(readme.components(separatedBy: "| module | depends on |").dropFirst().first)
        var documented: [String: Set<String>] = [:]
        for line in table.split(separator: "\n").dropFirst() {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2 else { continue }
            documented[cells[0]] = cells[1] == "—" ? [] : Set(cells[1].components(separatedBy: ", "))
        }
        // Every module of the agent (a Swift target in Sources/, not a C shim) is in the table, with its dependencies.
        let agentModules = targets.filter { name, t in
            t.path == nil && t.type != "test" && t.type != "system-target" && !(name.count > 1 && name.hasPrefix("C") && name.dropFirst().first!.isUppercase)
        }
        #expect(Set(agentModules.keys) == Set(documented.keys))
        for (name, deps) in documented {
            #expect(targets[name]?.dependencies == deps, "README says \(name) depends on \(deps.sorted())")
        }
    }

    @Test func theAgentLinksNoTestSupportOrBenchmarkCode() throws {
        let targets = try Self.packageTargets()
        var seen = Set<String>()
        var queue = ["tributary"]
        while let next = queue.popLast() {
            guard seen.insert(next).inserted, let t = targets[next] else { continue }
            queue += t.dependencies
        }
        for (name, t) in targets where t.path?.hasPrefix("TestSupport/") == true || t.path?.hasPrefix("Benchmarks/") == true {
            #expect(!seen.contains(name), "tributary links \(name)")
        }
        #expect(seen.contains("Codecs") && seen.contains("Components"))
    }

    /// `stage.static_labels` → `StaticLabelsStage` in `Process/Stages/StaticLabelsStage.swift`, tests in
    /// `ProcessTests/StaticLabelsStageTests.swift`.
    @Test func eachStageIsInTheFileItsNameGives() throws {
        let factory = try Self.text("Sources/Process/StageFactory.swift")
        let cases = factory.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "\"")
            guard line.contains("case \"stage."), parts.count >= 3, let open = parts[2].firstIndex(of: "(") else { return nil }
            let type = parts[2][..<open].replacingOccurrences(of: ": return ", with: "").trimmingCharacters(in: .whitespaces)
            return (String(parts[1]), type)
        }
        #expect(cases.count >= 27)
        for (name, type) in cases {
            let words = name.dropFirst("stage.".count).replacingOccurrences(of: "_", with: "")
            #expect(type.lowercased() == words.lowercased() + "stage", "\(name) is built by \(type)")
            for file in ["Sources/Process/Stages/\(type).swift", "Tests/ProcessTests/\(type)Tests.swift"] {
                #expect(FileManager.default.fileExists(atPath: Repo.root.appendingPathComponent(file).path), "\(name): \(file)")
            }
        }
    }

    /// `loki.source.file` → `LokiSourceFileComponent` in `Components/LokiSourceFileComponent.swift`.
    @Test func eachComponentIsInTheFileItsNameGives() throws {
        let all = try Self.text("Sources/Components/AllComponents.swift")
        let registrations = all.components(separatedBy: "ComponentRegistration(\"").dropFirst().map { chunk -> (String, String) in
            let name = String(chunk.prefix { $0 != "\"" })
            let type = String(chunk.dropFirst(name.count + 3).prefix { $0 != "." })
            return (name, type)
        }
        #expect(registrations.count >= 9)
        for (name, type) in registrations {
            #expect(type.lowercased() == name.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: "_", with: "") + "component",
                    "\(name) is implemented by \(type)")
            let file = "Sources/Components/\(type).swift"
            #expect(FileManager.default.fileExists(atPath: Repo.root.appendingPathComponent(file).path), "\(name): \(file)")
        }
    }
}
