import Testing
import Codecs

/// Base64, RFC 3339 and UTF-8 on bytes.
@Suite struct BytesTests {
    @Test func base64RoundTripsBothAlphabets() {
        // RFC 4648 §10 test vectors.
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        #expect(Base64.encode([0xFB, 0xFF], alphabet: .urlSafe) == "-_8=")
        #expect(Base64.decode("-_8=", alphabet: .urlSafe) == [0xFB, 0xFF])
        #expect(Base64.decode("-_8=") == nil, "URL-safe digits in the standard alphabet")
        #expect(Base64.decode("Zm9v\r\nYmFy\n") == Array("foobar".utf8), "line breaks skipped, as Go does")
        #expect(Base64.decode("Zm9") == nil)
        #expect(Base64.decode("Zg=a") == nil)
        #expect(Base64.decode("Z===") == nil)
    }

    @Test func rfc3339ParsesAndWrites() {
        #expect(RFC3339.parse("2026-11-25T10:00:00.123456789Z") == 1_795_600_800_123_456_789)
        #expect(RFC3339.parse("2026-11-25T11:00:00+01:00") == 1_795_600_800_000_000_000)
        #expect(RFC3339.parse("2026-11-25 10:00:00,5z") == 1_795_600_800_500_000_000)
        #expect(RFC3339.parse("2026-11-25T10:00:00.1234567891Z") == 1_795_600_800_123_456_789, "digits past nine are cut")
        #expect(RFC3339.parse("1969-12-31T23:59:59Z") == -1_000_000_000)
        for bad in ["2026-11-25T10:00:00", "2026-13-25T10:00:00Z", "2026-11-25T10:00:00.Z", "2026-11-25T10:00:00Zx", "x"] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
        for ns: Int64 in [0, 1_795_600_800_123_456_789, -1, 4_102_444_800_000_000_000] {
            var out: [UInt8] = []
            RFC3339.appendNano(ns, to: &out)
            #expect(RFC3339.parse(String(decoding: out, as: UTF8.self)) == ns)
        }
        var out: [UInt8] = []
        RFC3339.appendNano(-1, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "1969-12-31T23:59:59.999999999Z")
        #expect(CivilDate.civil(fromDays: CivilDate.days(year: 2024, month: 2, day: 29)) == (2024, 2, 29))
    }

    @Test func utf8JudgedAsGo() {
        let valid: [[UInt8]] = [[0x41], [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        let invalid: [[UInt8]] = [[0x80], [0xC0, 0xAF], [0xC3], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF]]
        for b in valid {
            #expect(UTF8Bytes.sequenceLength(b, 0) == b.count)
            #expect(UTF8Bytes.decode(b, at: 0).scalar == String(decoding: b, as: UTF8.self).unicodeScalars.first!.value)
            #expect(b.withUnsafeBytes { UTF8Bytes.isValid($0) })
        }
        for b in invalid {
            #expect(UTF8Bytes.sequenceLength(b, 0) == 0, "\(b)")
            #expect(UTF8Bytes.decode(b, at: 0).scalar == nil)
            #expect(b.withUnsafeBytes { !UTF8Bytes.isValid($0) })
        }
        #expect([UInt8]([0x61, 0xFF, 0x62]).withUnsafeBytes { UTF8Bytes.repaired($0) } == [0x61, 0xEF, 0xBF, 0xBD, 0x62])
    }
}
