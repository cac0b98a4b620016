import Foundation
import Testing
@testable import Syntax

/// `x.alloy` fails to parse with exactly the one-line diagnostics of `x.diags`.
@Suite struct DiagnosticsGoldenTests {
    static var cases: [String] {
        Fixtures.files(in: "errors", suffix: ".alloy").map { $0.deletingPathExtension().lastPathComponent }
    }

    @Test(arguments: cases)
    func reportsExpectedDiagnostics(name: String) throws {
        let dir = Fixtures.directory.appendingPathComponent("errors")
        let input = try Fixtures.bytes(dir.appendingPathComponent("\(name).alloy"))
        let diagsURL = dir.appendingPathComponent("\(name).diags")
        var lines: [String] = []
        do {
            _ = try Parser.parse(SourceFile(name: "\(name).alloy", bytes: input))
            Issue.record("\(name) parsed without errors")
        } catch {
            lines = error.items.map(\.description)
        }
        if Fixtures.updating {
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: diagsURL)
            return
        }
        let expected = String(decoding: try Fixtures.bytes(diagsURL), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(lines == expected)
    }

    @Test func casesWereFound() { #expect(Self.cases.count >= 15) }

    @Test func prettyFormShowsSourceAndCaret() throws {
        let src = SourceFile(name: "main.alloy", text: "a = 1\nb = {\n  format =\n}\nx = 1\n")
        do {
            _ = try Parser.parse(src)
            Issue.record("expected an error")
        } catch {
            let pretty = error.items[0].pretty()
            #expect(pretty == """
            Error: main.alloy:4:1: expected expression, got }

            3 |   format =
            4 | }
              | ^
            5 | x = 1

            """)
        }
    }

    @Test func oneLineFormOfAList() {
        let f = SourceFile(name: "f.alloy", text: "a\n")
        let d = Diagnostics([Diagnostic(file: f, start: 0, message: "one"), Diagnostic(file: f, start: 0, message: "two")])
        #expect(d.description == "f.alloy:1:1: one (and 1 more diagnostics)")
    }

    @Test func parserSuppressesSecondErrorOnSameLine() {
        do {
            _ = try Parser.parse(SourceFile(name: "x", text: "a = ) ) )\n"))
        } catch {
            #expect(error.items.count == 1)
        }
    }
}
