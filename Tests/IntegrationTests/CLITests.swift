import Foundation
import Testing

@Suite struct CLITests {
    @Test func validateAcceptsTheExamples() throws {
        let (status, out, err) = try Agent.runToEnd(["validate", "examples/local.alloy"])
        #expect(status == 0, "\(err)")
        #expect(out.isEmpty)
    }

    @Test func validateReportsErrorsWithSourceExcerpt() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("bad.alloy")
        try Data("loki.echo \"e\" { }\nloki.source.file \"f\" {\n\ttargets = 1\n\tforward_to = [loki.echo.x.receiver]\n}\n".utf8).write(to: file)
        let (status, out, err) = try Agent.runToEnd(["validate", file.path])
        #expect(status == 1)
        #expect(out.isEmpty)
        #expect(err.contains("Error: \(file.path):4:16: component \"loki.echo.x.receiver\" does not exist or is out of scope"))
        #expect(err.contains("4 | \tforward_to = [loki.echo.x.receiver]".replacingOccurrences(of: "\t", with: "    ")))
    }

    @Test func hostileInputEndsInAPositionedErrorNotACrash() throws {
        // A file that never ends is refused after 16 MiB instead of read without bound.
        let (status, _, err) = try Agent.runToEnd(["validate", "/dev/zero"])
        #expect(status == 1)
        #expect(err.contains("/dev/zero: is larger than 16777216 bytes"))
        // A size beyond 64 bits and a duration beyond Go's range are errors at their attribute (both trapped before).
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("huge.alloy")
        try Data("""
        loki.write "w" {
        	endpoint {
        		url        = "http://127.0.0.1:3100/loki/api/v1/push"
        		batch_size = "99999999999999999999999PiB"
        		batch_wait = "99999999999999999999h"
        	}
        }

        """.utf8).write(to: file)
        let (hugeStatus, _, hugeErr) = try Agent.runToEnd(["validate", file.path])
        #expect(hugeStatus == 1)
        #expect(hugeErr.contains("\(file.path):4:16: \"99999999999999999999999PiB\" units: size \"99999999999999999999999PiB\" is larger than 8EiB"))
        #expect(hugeErr.contains("\(file.path):5:16: \"99999999999999999999h\" time: invalid duration \"99999999999999999999h\""))
        // A secret of the wrong type: the message does not repeat it.
        let secret = dir.appendingPathComponent("secret.alloy")
        try Data("loki.write \"w\" {\n\tendpoint {\n\t\turl = \"http://x/loki/api/v1/push\"\n\t\tbasic_auth {\n\t\t\tusername = \"u\"\n\t\t\tpassword = [\"hunter2\"]\n\t\t}\n\t}\n}\n".utf8).write(to: secret)
        let (secretStatus, _, secretErr) = try Agent.runToEnd(["validate", secret.path])
        #expect(secretStatus == 1)
        let message = secretErr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(message == "Error: \(secret.path):6:15: (secret) should be capsule(\"secret\"), got array")
        #expect(!secretErr.contains("hunter2"), "no excerpt of the secret's line either")
    }

    @Test func validateReadsADirectory() throws {
        let dir = temporaryDirectory()
        try Data("loki.echo \"e\" { }\n".utf8).write(to: dir.appendingPathComponent("a.alloy"))
        try Data("loki.source.file \"f\" {\n\ttargets = []\n\tforward_to = [loki.echo.e.receiver]\n}\n".utf8).write(to: dir.appendingPathComponent("b.alloy"))
        try Data("not alloy".utf8).write(to: dir.appendingPathComponent("c.txt"))
        let (status, _, err) = try Agent.runToEnd(["validate", dir.path])
        #expect(status == 0, "\(err)")
    }

    @Test func fmtPrintsWritesAndTests() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("x.alloy")
        try Data("logging{level=\"info\"\nformat=\"logfmt\"}\n".utf8).write(to: file)
        let expected = "logging {\n\tlevel  = \"info\"\n\tformat = \"logfmt\"\n}\n"
        let (s1, o1, _) = try Agent.runToEnd(["fmt", file.path])
        #expect(s1 == 0 && o1 == expected)
        let (s2, _, e2) = try Agent.runToEnd(["fmt", "-t", file.path])
        #expect(s2 != 0 && e2.contains("file \(file.path) is not formatted correctly"))
        let (s3, o3, _) = try Agent.runToEnd(["fmt", "-w", file.path])
        #expect(s3 == 0 && o3.isEmpty)
        #expect(try String(contentsOf: file, encoding: .utf8) == expected)
        let (s4, _, _) = try Agent.runToEnd(["fmt", "-t", file.path])
        #expect(s4 == 0)
        let (s5, o5, _) = try Agent.runToEnd(["fmt"], stdin: "a=1\n")
        #expect(s5 == 0 && o5 == "a = 1\n")
        let (s6, o6, e6) = try Agent.runToEnd(["fmt", "-"], stdin: "a = \n")
        #expect(s6 != 0 && o6.isEmpty)
        #expect(e6 == "<stdin>:2:1: expected expression, got EOF\nencountered errors during formatting\n")
    }

    @Test func runRejectsAnInvalidConfigWithExitCode1() throws {
        let dir = temporaryDirectory()
        let file = dir.appendingPathComponent("bad.alloy")
        try Data("loki.echo \"e\" {\n\tx = 1\n}\n".utf8).write(to: file)
        let (status, _, err) = try Agent.runToEnd(["run", file.path, "--storage.path", dir.path, "--server.http.listen-addr", "127.0.0.1:0"])
        #expect(status == 1)
        #expect(err.contains("unrecognized attribute name \"x\""))
    }
}
