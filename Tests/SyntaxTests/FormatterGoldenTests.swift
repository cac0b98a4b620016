import Foundation
import Testing
@testable import Syntax

/// `x.in.alloy` formats to `x.expect.alloy`, and formatting the expected text changes nothing.
@Suite struct FormatterGoldenTests {
    /// Inputs whose formatted output Alloy itself does not keep stable (alloy-syntax.md §5.9).
    static let notIdempotent: Set<String> = ["quoted-keys", "empty-call-break"]

    static var cases: [String] {
        Fixtures.files(in: "fmt", suffix: ".in.alloy").map { $0.lastPathComponent.replacingOccurrences(of: ".in.alloy", with: "") }
    }

    @Test(arguments: cases)
    func formatsToExpected(name: String) throws {
        let dir = Fixtures.directory.appendingPathComponent("fmt")
        let input = try Fixtures.bytes(dir.appendingPathComponent("\(name).in.alloy"))
        let expectURL = dir.appendingPathComponent("\(name).expect.alloy")
        let got = try Formatter.format(SourceFile(name: name, bytes: input))
        if Fixtures.updating {
            try Data(got.utf8).write(to: expectURL)
            return
        }
        let expected = String(decoding: try Fixtures.bytes(expectURL), as: UTF8.self)
        #expect(got == expected)
        if !Self.notIdempotent.contains(name) {
            let again = try Formatter.format(SourceFile(name: name, bytes: Array(expected.utf8)))
            #expect(again == expected, "formatting the expected output changed it")
        }
    }

    @Test func casesWereFound() {
        #expect(Self.cases.count >= 10)
    }

    @Test func outputEndsInExactlyOneNewline() throws {
        let out = try Formatter.format(SourceFile(name: "x", text: "a = 1\n\n\n\n"))
        #expect(out == "a = 1\n")
    }

    @Test func crlfInputBecomesLF() throws {
        let out = try Formatter.format(SourceFile(name: "x", text: "a = 1\r\nb = 2 // c\r\n"))
        #expect(out == "a = 1\nb = 2 // c\n")
    }

    @Test func emptyBlockBodySpanningLinesCollapses() throws {
        #expect(try Formatter.format(SourceFile(name: "x", text: "b {\n\n}\n")) == "b { }\n")
        #expect(try Formatter.format(SourceFile(name: "x", text: "b {\n// keep\n}\n")) == "b {\n\t// keep\n}\n")
    }

    @Test func blankLinesCollapseAndBlocksAreSeparated() throws {
        let src = "a = 1\n\n\n\nb = 2\nc {\n}\nd = 4\n"
        #expect(try Formatter.format(SourceFile(name: "x", text: src)) == "a = 1\n\nb = 2\n\nc { }\nd = 4\n")
    }

    @Test func expressionTextForMessages() throws {
        let file = try Parser.parse(SourceFile(name: "x", text: "a = f( 1,2 )+[ 3 ]\n"))
        guard case .attribute(let a) = file.body[0] else { Issue.record("not an attribute"); return }
        #expect(Formatter.text(of: a.value, in: file.source) == "f(1, 2) + [3]")
    }
}
