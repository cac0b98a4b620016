import Codecs
import Foundation
import Testing
@testable import JMESPath

/// Every expression of `Fixtures/reference-cases.json` evaluated by Tributary and by Python's `jmespath` (the
/// reference implementation; `scripts/deps.sh` installs it): the same value, or both refuse.
@Suite struct ReferenceTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let cases = repo.appendingPathComponent("Tests/JMESPathTests/Fixtures/reference-cases.json")

    @Test func agreesWithTheReferenceImplementation() throws {
        let text = try Data(contentsOf: Self.cases)
        guard case .array(let groups) = try JSON.parse([UInt8](text)) else { Issue.record("fixture is not an array"); return }
        let reference = try Self.runReference(input: text)
        guard case .array(let expected) = reference else { Issue.record("reference output is not an array"); return }
        var index = 0, compared = 0, refusedByBoth = 0
        for group in groups {
            let document = group["document"] ?? .null
            guard case .array(let expressions)? = group["expressions"] else { continue }
            for case .string(let expression) in expressions {
                defer { index += 1 }
                let want = expected[index]
                let got: Result<JSON, Error> = Result { try JMESPathExpression(expression).search(document) }
                switch (want["value"], got) {
                case (let value?, .success(let mine)):
                    #expect(canonical(mine) == canonical(value), "\(expression)")
                    compared += 1
                case (nil, .failure):
                    refusedByBoth += 1
                case (let value?, .failure(let error)):
                    Issue.record("\(expression): reference gives \(canonical(value)), Tributary fails: \(error)")
                case (nil, .success(let mine)):
                    Issue.record("\(expression): reference refuses (\(want["error"].map(canonical) ?? "?")), Tributary gives \(canonical(mine))")
                }
            }
        }
        #expect(index == expected.count)
        #expect(compared > 400 && refusedByBoth > 50, "compared \(compared), refused by both \(refusedByBoth)")
    }

    /// Runs `scripts/jmespath-reference.py` on the fixture.
    static func runReference(input: Data) throws -> JSON {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repo.appendingPathComponent("scripts/jmespath-reference.py").path]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ReferenceFailure(message: "python3 jmespath-reference.py exited \(process.terminationStatus): \(String(decoding: err, as: UTF8.self))")
        }
        return try JSON.parse([UInt8](out))
    }

    struct ReferenceFailure: Error { var message: String }
}

/// A value's text with object keys sorted and every number written from its double, so that values equal as JSON
/// data compare equal as text (Python writes `2.0` where Go writes `2`).
func canonical(_ v: JSON) -> String {
    switch v {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let d, _): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    case .string(let s): return JSONString.quoted(s)
    case .array(let a): return "[" + a.map(canonical).joined(separator: ",") + "]"
    case .object(let f):
        return "{" + f.sorted { $0.0 < $1.0 }.map { JSONString.quoted($0.0) + ":" + canonical($0.1) }.joined(separator: ",") + "}"
    }
}
