import Foundation
import Testing
import Codecs

@Suite struct JSONStringTests {
    /// Byte-at-a-time reference for the word-at-a-time escaper, in either style.
    static func referenceEscape(_ bytes: [UInt8], html: Bool) -> [UInt8] {
        var out: [UInt8] = [34]
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            case 9: out += [92, 116]
            case 0..<0x20: out += Array(String(format: "\\u%04x", b).utf8)
            case 60 where html, 62 where html, 38 where html: out += Array(String(format: "\\u%04x", b).utf8)
            case 0x20..<0x80: out.append(b)
            default:
                let n = UTF8Bytes.sequenceLength(bytes, i)
                if n == 0 {
                    out += html ? Array(#"\ufffd"#.utf8) : [0xEF, 0xBF, 0xBD]
                    i += 1
                    continue
                }
                if html && Array(bytes[i..<i + n]) == [0xE2, 0x80, 0xA8] { out += Array(#"\u2028"#.utf8) }
                else if html && Array(bytes[i..<i + n]) == [0xE2, 0x80, 0xA9] { out += Array(#"\u2029"#.utf8) }
                else { out += bytes[i..<i + n] }
                i += n
                continue
            }
            i += 1
        }
        return out + [34]
    }

    @Test(arguments: [JSONString.Style.minimal, .goHTMLSafe])
    func escapesEverySpecialByteAtEveryOffset(style: JSONString.Style) {
        let specials: [[UInt8]] = [[0x22], [0x5C], [0x0A], [0x00], [0x1F], [0x7F], [0x20], [0x3C], [0x3E], [0x26],
                                   [0xC3, 0xA9], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98, 0x80], [0xED, 0xA0, 0x80],
                                   [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0xA9]]
        for special in specials {
            for offset in 0..<20 {
                for length in [offset + special.count, offset + special.count + 9, 40] where length >= offset + special.count {
                    var line = Array(repeating: UInt8(ascii: "a"), count: length)
                    line.replaceSubrange(offset..<offset + special.count, with: special)
                    var out: [UInt8] = []
                    line.withUnsafeBytes { JSONString.append($0, to: &out, style: style) }
                    #expect(out == Self.referenceEscape(line, html: style == .goHTMLSafe), "special \(special) at \(offset) in \(length) bytes")
                }
            }
        }
    }

    @Test func goStyleMatchesGoEncoder() {
        // What Go's json.Marshal("<a href=\"x\">&\u2028</a>\t") prints.
        #expect(JSONString.quoted("<a href=\"x\">&\u{2028}</a>\t", style: .goHTMLSafe) == #""\u003ca href=\"x\"\u003e\u0026\u2028\u003c/a\u003e\t""#)
        #expect(JSONString.quoted("<é>") == "\"<é>\"")
    }

    @Test func readsBackWhatItWrites() throws {
        for text in ["", "plain", "q\"\\/\n\r\t\u{01}", "é😀\u{2028}", "<&>"] {
            for style in [JSONString.Style.minimal, .goHTMLSafe] {
                #expect(JSONString.unquote(JSONString.quoted(text, style: style)) == text)
            }
        }
        #expect(JSONString.unquote(#""\ud83d\ude00 \u00e9 \/""#) == "😀 é /")
        #expect(JSONString.unquote(#""\ud83d""#) == "\u{FFFD}", "a lone surrogate")
        #expect(JSONString.unquote(#""\x41""#) == nil, "not a JSON escape")
        #expect(JSONString.unquote("\"a\nb\"") == nil, "raw control byte")
        #expect(JSONString.unquote(#""abc"#) == nil)
        #expect(JSONString.unquote(#""a"b""#) == nil, "text after the closing quote")
    }
}
