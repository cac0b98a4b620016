import Testing
@testable import Syntax

@Suite struct ScannerTests {
    func scan(_ text: String) -> ([TokenKind], [String], [String]) {
        var errors: [String] = []
        var s = Scanner(Array(text.utf8)) { _, m in errors.append(m) }
        var kinds: [TokenKind] = []
        var texts: [String] = []
        while true {
            let t = s.scan()
            kinds.append(t.kind)
            texts.append(t.text)
            if t.kind == .eof { break }
        }
        return (kinds, texts, errors)
    }

    @Test func insertsTerminatorsAfterValuesOnly() {
        let (k, _, e) = scan("a = [\n1,\n]\n")
        #expect(e.isEmpty)
        #expect(k == [.ident, .assign, .lbrack, .number, .comma, .rbrack, .terminator, .eof])
    }

    @Test func numbers() {
        let (k, t, e) = scan("1 1. .5 1.e5 1E+5 010")
        #expect(e.isEmpty)
        #expect(k.prefix(6) == [.number, .float, .float, .float, .float, .number])
        #expect(t.prefix(6) == ["1", "1.", ".5", "1.e5", "1E+5", "010"])
    }

    @Test func hexPrefixScansAsNumberThenIdent() {
        let (k, _, _) = scan("0x10")
        #expect(k.prefix(2) == [.number, .ident])
    }

    @Test func operators() {
        let (k, _, e) = scan("|| && ! = == != < <= > >= + - * / % ^ { } ( ) [ ] , .")
        #expect(e.isEmpty)
        #expect(k.dropLast() == [.or, .and, .not, .assign, .eq, .neq, .lt, .lte, .gt, .gte, .add, .sub, .mul, .div,
                                 .mod, .pow, .lcurly, .rcurly, .lparen, .rparen, .lbrack, .rbrack, .comma, .dot])
    }

    @Test func unicodeIdentifiers() {
        let (k, t, e) = scan("métrica_café")
        #expect(e.isEmpty)
        #expect(k.first == .ident && t.first == "métrica_café")
    }

    @Test func commentsAndTerminatorBeforeLineComment() {
        let (k, _, _) = scan("a // c\nb /* x */ c")
        #expect(k == [.ident, .terminator, .comment, .ident, .comment, .ident, .terminator, .eof])
    }

    @Test func stringEscapes() {
        let (_, _, ok) = scan(#""\a\b\f\n\r\t\v\\\"\101\x41\u0041\U00000041""#)
        #expect(ok.isEmpty)
        let (_, _, bad) = scan(#""\'""#)
        #expect(bad == ["unknown escape sequence"])
        let (_, _, surrogate) = scan(#""\uD800""#)
        #expect(surrogate == ["escape sequence is invalid Unicode code point"])
        let (_, _, short) = scan(#""\x4""#)
        #expect(short == [#"illegal character U+0022 '"' in escape sequence"#])
    }

    @Test func rawStringsSpanLines() {
        let (k, t, e) = scan("`a\nb`")
        #expect(e.isEmpty)
        #expect(k.first == .string && t.first == "`a\nb`")
    }

    @Test func byteOrderMarkAtStartIsSkipped() {
        let (k, _, e) = scan("\u{FEFF}a")
        #expect(e.isEmpty && k.first == .ident)
        let (_, _, e2) = scan("a\u{FEFF}")
        #expect(e2 == ["illegal byte order mark"])
    }

    @Test func invalidUTF8AndNUL() {
        var errors: [String] = []
        var s = Scanner([UInt8(ascii: "a"), 0xFF, 0]) { _, m in errors.append(m) }
        while s.scan().kind != .eof {}
        #expect(errors.contains("illegal UTF-8 encoding"))
        #expect(errors.contains("illegal character NUL"))
    }
}
