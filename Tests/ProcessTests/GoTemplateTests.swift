import Codecs
import Testing
@testable import Process

/// The Go template engine behind `stage.template` and `stage.replace`, and its hash functions.
@Suite struct GoTemplateTests {
    func render(_ t: String, _ data: [String: TValue]) throws -> String {
        try GoTemplate(t).execute(.map(data))
    }

    @Test func goTemplateBasics() throws {
        let d: [String: TValue] = ["Value": .string("Loki Log"), "app": .string("loki"), "n": .number(3)]
        #expect(try render("{{ .Value }}_x", d) == "Loki Log_x")
        #expect(try render("{{ ToUpper .Value }} {{ .Value | ToLower }}", d) == "LOKI LOG loki log")
        #expect(try render(#"{{ Replace .Value "Log" "Line" -1 }}"#, d) == "Loki Line")
        #expect(try render(#"{{ if eq .app "loki" }}yes{{ else }}no{{ end }}"#, d) == "yes")
        #expect(try render(#"{{ if eq .app "x" }}a{{ else if gt .n 2.0 }}b{{ else }}c{{ end }}!"#, d) == "b!")
        #expect(try render("{{ .missing }}", d) == "<no value>")
        #expect(try render("a {{- \"  b  \" -}} c", d) == "a  b  c")
        #expect(try render(#"{{ $x := ToUpper .app }}{{ $x }}-{{ len .Value }}"#, d) == "LOKI-8")
        #expect(try render(#"{{ TrimSpace "  t  " }}|{{ Trim "xxyxx" "x" }}|{{ TrimPrefix "prefix-a" "prefix-" }}"#, d) == "t|y|a")
        #expect(try render(#"{{ regexReplaceAll "(\\d+)" "a1b22" "<$1>" }} {{ regexReplaceAllLiteral "\\d" "a1" "$1" }}"#, d) == "a<1>b<22> a$1")
        #expect(try render(#"{{ "abc" | upper | trunc 2 }} {{ default "dflt" .missing }} {{ "a,b" | splitList "," | join "+" }}"#, d) == "AB dflt a+b")
        #expect(throws: TemplateError.self) { try GoTemplate("{{ nosuchfunc .Value }}") }
        #expect(throws: TemplateError.self) { try GoTemplate("{{ if .x }}unclosed") }
    }

    @Test func hashes() throws {
        #expect(Digests.hex(Digests.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digests.hex(Digests.sha3_256(Array("abc".utf8))) == "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532")
        #expect(Digests.hex(Digests.sha3_256([])) == "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
        #expect(try render(#"{{ Hash .Value "salt" }}"#, ["Value": .string("ab")]) == Digests.hex(Digests.sha3_256(Array("absalt".utf8))))
        #expect(try render(#"{{ Sha2Hash .Value "" }}"#, ["Value": .string("abc")]) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
