import Testing
@testable import Evaluation

/// `string.format` verb by verb, against what Go's fmt prints for the same value (Go's documented rules; the
/// outputs are Go's).
@Suite struct GoFormatVerbTests {
    func f(_ format: String, _ args: Value...) throws -> String { try GoFormat.sprintf(format, args) }
    let int = { (v: Int64) in Value.number(.int(v)) }
    let float = { (v: Double) in Value.number(.float(v)) }

    @Test func integerVerbs() throws {
        #expect(try f("%d|%5d|%-5d|%05d", int(42), int(42), int(42), int(-42)) == "42|   42|42   |-0042")
        #expect(try f("%+d|% d|%+d", int(7), int(7), int(-7)) == "+7| 7|-7")
        #expect(try f("%.3d|%.3d|%.0d|%6.3d|%06.3d", int(7), int(-7), int(0), int(7), int(7)) == "007|-007||   007|   007")
        #expect(try f("%x|%X|%#x|%#X|%+x|%x", int(255), int(255), int(255), int(255), int(255), int(-255)) == "ff|FF|0xff|0XFF|+ff|-ff")
        #expect(try f("%o|%#o|%O|%b|%#b", int(8), int(8), int(8), int(5), int(5)) == "10|010|0o10|101|0b101")
        #expect(try f("%08x|%-8x|", int(255), int(255)) == "000000ff|ff      |")
        #expect(try f("%c|%c|%q|%q|%q", int(65), int(0x1F600), int(65), int(39), int(34)) == "A|😀|'A'|'\\''|'\"'")
        #expect(try f("%U|%#U|%U", int(65), int(65), int(0x1F600)) == "U+0041|U+0041 'A'|U+1F600")
        #expect(try f("%d|%s|%f", float(1.5), int(3), int(3)) == "%!d(float64=1.5)|%!s(int=3)|%!f(int=3)")
    }

    @Test func floatVerbs() throws {
        #expect(try f("%f|%.2f|%8.3f|%-8.1f|%08.3f", float(3.14159), float(3.14159), float(-3.14159), float(2.5), float(-1.5))
                == "3.141590|3.14|  -3.142|2.5     |-001.500")
        #expect(try f("%e|%E|%.2e|%e", float(123456.789), float(0.000123), float(1e100), float(0)) == "1.234568e+05|1.230000E-04|1.00e+100|0.000000e+00")
        #expect(try f("%g|%g|%g|%G|%.3g|%g", float(100000), float(1e6), float(0.0001), float(1e-5), float(1234.5678), float(1e21))
                == "100000|1e+06|0.0001|1E-05|1.23e+03|1e+21")
        #expect(try f("%v|%v|%v|%v", float(1e20), float(0.1), float(-0.0), float(123456789)) == "1e+20|0.1|-0|1.23456789e+08")
        // Floats inside a list or an object, in a wrong verb and in EXTRA are printed as %v prints them too.
        #expect(try f("%v|%v", .array([float(1e20), float(1.0 / 3.0)]), .object(["a": float(0.1), "b": float(1e-7)]))
                == "[1e+20 0.3333333333333333]|map[a:0.1 b:1e-07]")
        #expect(try f("%d|%s", float(1.0 / 3.0), float(.infinity)) == "%!d(float64=0.3333333333333333)|%!s(float64=+Inf)")
        #expect(try f("%d", int(1), float(123456789.5)) == "1%!(EXTRA float64=1.234567895e+08)")
        #expect(try f("%+.1f|% .1f|%+e", float(2), float(2), float(2)) == "+2.0| 2.0|+2.000000e+00")
        #expect(try f("%x|%X|%x|%x|%x", float(1), float(3), float(0.1), float(0), float(-2.5))
                == "0x1p+00|0X1.8P+01|0x1.999999999999ap-04|0x0p+00|-0x1.4p+01")
        #expect(try f("%.2x|%.0x|%.3x", float(1.0 / 3.0), float(1.5), float(1)) == "0x1.55p-02|0x1p+00|0x1.000p+00")
        #expect(try f("%b|%b", float(1), float(-0.5)) == "4503599627370496p-52|-4503599627370496p-53")
    }

    @Test func infinitiesAndNaN() throws {
        #expect(try f("%f|%f|%.2f|%e|%g|%v", float(.infinity), float(-.infinity), float(.nan), float(.infinity), float(.nan), float(.infinity))
                == "+Inf|-Inf|NaN|+Inf|NaN|+Inf")
        #expect(try f("%+f|% f|% f|%06f|%-6f|", float(.nan), float(.infinity), float(.nan), float(.infinity), float(.nan)) == "+NaN| Inf| NaN|  +Inf|NaN   |")
    }

    @Test func stringsAndBooleans() throws {
        #expect(try f("%s|%.2s|%5s|%-5s|", .string("abc"), .string("héllo"), .string("ab"), .string("ab")) == "abc|hé|   ab|ab   |")
        #expect(try f("%x|%X|% x|%#x|%# x", .string("ab"), .string("ab"), .string("ab"), .string("ab"), .string("ab")) == "6162|6162|61 62|0x6162|0x61 0x62")
        #expect(try f("%q|%#q|%#q|%+q", .string("a\"b"), .string("abc"), .string("a`b"), .string("é")) == #""a\"b"|`abc`|"a`b"|"\u00e9""#)
        #expect(try f("%t|%v|%5t", .bool(true), .bool(false), .bool(true)) == "true|false| true")
    }
}
