import Testing
import Codecs

/// Go's text forms: `strconv.Quote`, `time.ParseDuration` / `Duration.String`, `units.ParseBase2Bytes`.
@Suite struct GoTextTests {
    @Test func quotesAsStrconvQuote() {
        // Expected values printed by Go's strconv.Quote.
        #expect(GoQuote.quoted("a\"b\\c") == #""a\"b\\c""#)
        #expect(GoQuote.quoted("\u{07}\u{08}\u{0C}\n\r\t\u{0B}\u{00}\u{7F}") == #""\a\b\f\n\r\t\v\x00\x7f""#)
        #expect(GoQuote.quoted("é😀 ") == "\"é😀 \"")
        #expect(GoQuote.quoted("\u{00A0}\u{2028}\u{FEFF}\u{E000}") == #""\u00a0\u2028\ufeff\ue000""#)
        #expect(GoQuote.quoted("\u{E0001}") == #""\U000e0001""#)
        #expect(GoQuote.quoted(bytes: [0x61, 0xFF, 0xC3]) == #""a\xff\xc3""#)
    }

    @Test func parsesDurationsAsGo() throws {
        let cases: [(String, Int64)] = [
            ("0", 0), ("-0", 0), ("+5s", 5_000_000_000), ("1h30m", 5_400_000_000_000), ("1.5h", 5_400_000_000_000),
            ("250ms", 250_000_000), ("3µs", 3_000), ("3μs", 3_000), ("3us", 3_000), ("7ns", 7), (".5s", 500_000_000),
            ("1.s", 1_000_000_000), ("-1m1.000000001s", -61_000_000_001), ("9223372036854775807ns", Int64.max),
            ("-9223372036854775808ns", Int64.min), ("2562047h47m16.854775807s", Int64.max),
        ]
        for (text, ns) in cases { #expect(try GoDuration.parse(text) == ns, "\(text)") }
        let errors: [(String, String)] = [
            ("", #"time: invalid duration """#), ("90", #"time: missing unit in duration "90""#),
            ("1d", #"time: unknown unit "d" in duration "1d""#), (".s", #"time: invalid duration ".s""#),
            ("9223372036854775808ns", #"time: invalid duration "9223372036854775808ns""#),
            ("99999999999999999999h", #"time: invalid duration "99999999999999999999h""#),
            ("3000000h", #"time: invalid duration "3000000h""#), ("s", #"time: invalid duration "s""#),
        ]
        for (text, message) in errors {
            #expect(throws: CodecError(message)) { try GoDuration.parse(text) }
        }
    }

    @Test func formatsDurationsAsGo() {
        // Expected values printed by Go's time.Duration.String.
        let cases: [(Int64, String)] = [
            (0, "0s"), (1, "1ns"), (1_100, "1.1µs"), (2_200_000, "2.2ms"), (3_300_000_000, "3.3s"),
            (-4_000_000_000, "-4s"), (60_000_000_000, "1m0s"), (5_400_000_000_000, "1h30m0s"),
            (61_000_000_001, "1m1.000000001s"), (Int64.max, "2562047h47m16.854775807s"), (Int64.min, "-2562047h47m16.854775808s"),
        ]
        for (ns, text) in cases { #expect(GoDuration.format(ns) == text) }
    }

    @Test func parsesBase2Sizes() throws {
        let cases: [(String, Int64)] = [("0", 0), ("1MiB", 1 << 20), ("8KB", 8192), ("1.5MiB", 1_572_864), ("1MiB512KiB", 1_572_864),
                                        ("1GB", 1 << 30), ("7EiB", 7 << 60), ("10B", 10)]
        for (text, bytes) in cases { #expect(try Base2Bytes.parse(text) == bytes, "\(text)") }
        for text in ["", "1024", "1kB", "MiB", "1.2.3MiB"] {
            #expect(throws: CodecError.self, "\(text)") { try Base2Bytes.parse(text) }
        }
        #expect(throws: CodecError(#"units: size "99999999999999999999999PiB" is larger than 8EiB"#)) {
            try Base2Bytes.parse("99999999999999999999999PiB")
        }
        #expect(throws: CodecError.self) { try Base2Bytes.parse("8EiB") }
    }
}

@Suite struct GoFloatTests {
    @Test func formatsAsStrconvFormatFloatF() {
        // Expected values printed by Go's strconv.FormatFloat(v, 'f', -1, 64).
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-42, "-42"), (0.1, "0.1"), (1.5, "1.5"), (123456.789, "123456.789"),
            (1e21, "1000000000000000000000"), (1e-7, "0.0000001"), (-2.5e-3, "-0.0025"), (1e15, "1000000000000000"),
            (12345678901234567890, "12345678901234567000"), (.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
            (0.30000000000000004, "0.30000000000000004"),
        ]
        for (v, text) in cases { #expect(GoFloat.formatPlain(v) == text, "\(v)") }
    }

    @Test func formatsAsStrconvFormatFloatG() {
        // Go's strconv.FormatFloat(v, 'g', -1, 64), which fmt's %v and %g print: an exponent below 1e-4 and from 1e6.
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "-0"), (1, "1"), (-42, "-42"), (0.1, "0.1"), (1.5, "1.5"), (123456, "123456"),
            (999999, "999999"), (1e6, "1e+06"), (1234567, "1.234567e+06"), (1e20, "1e+20"), (1e21, "1e+21"),
            (123456.789, "123456.789"), (0.0001, "0.0001"), (0.00001, "1e-05"), (-2.5e-7, "-2.5e-07"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (5e-324, "5e-324"), (12345678901234567890, "1.2345678901234567e+19"),
            (0.30000000000000004, "0.30000000000000004"), (.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
        ]
        for (v, text) in cases { #expect(GoFloat.formatShortestG(v) == text, "\(v)") }
        #expect(GoFloat.formatShortestG(1e20, upper: true) == "1E+20")
    }
}

@Suite struct TextTests {
    @Test func trimsAsGoTrim() {
        #expect(" \t a b \n".trimming(" \t\n") == "a b")
        #expect("xxhixx".trimming("x") == "hi")
        #expect("xxxx".trimming("x") == "")
        #expect("\u{2003}é\u{2003}".trimming { $0.properties.isWhitespace } == "é")
        #expect("\r\nline\r\n".trimming("\r\n") == "line", "scalars, not grapheme clusters")
    }

    @Test func queryEscapesAsGo() {
        // Expected values printed by Go's url.QueryEscape.
        #expect(URLQuery.escape("a b&c=d/é~_.-") == "a+b%26c%3Dd%2F%C3%A9~_.-")
        #expect(URLQuery.unescape("a+b%26c%3Dd%2F%C3%A9") == "a b&c=d/é")
        #expect(URLQuery.unescape("%zz") == nil)
    }
}
