import Testing
@testable import Evaluation

@Suite struct ConversionTests {
    @Test func durations() throws {
        #expect(try AlloyDuration.parse("10s") == 10_000_000_000)
        #expect(try AlloyDuration.parse("1h30m") == 5_400_000_000_000)
        #expect(try AlloyDuration.parse("1.5h") == 5_400_000_000_000)
        #expect(try AlloyDuration.parse("1m1h") == 3_660_000_000_000)
        #expect(try AlloyDuration.parse("-5s") == -5_000_000_000)
        #expect(try AlloyDuration.parse("250ms") == 250_000_000)
        #expect(try AlloyDuration.parse("3µs") == 3_000)
        #expect(try AlloyDuration.parse("0") == 0)
        #expect(throws: ValueError.self) { try AlloyDuration.parse("90") }
        #expect(throws: ValueError.self) { try AlloyDuration.parse("1d") }
        #expect(throws: ValueError.self) { try AlloyDuration.parse("abc") }
        do { _ = try AlloyDuration.parse("90") } catch { #expect(error.message == "time: missing unit in duration \"90\"") }
        do { _ = try AlloyDuration.parse("1d") } catch { #expect(error.message == "time: unknown unit \"d\" in duration \"1d\"") }
    }

    @Test func byteSizes() throws {
        #expect(try ByteSize.parse("1MiB") == 1_048_576)
        #expect(try ByteSize.parse("8KB") == 8192)
        #expect(try ByteSize.parse("1.5MiB") == 1_572_864)
        #expect(try ByteSize.parse("1MiB512KiB") == 1_572_864)
        #expect(try ByteSize.parse("0") == 0)
        #expect(throws: ValueError.self) { try ByteSize.parse("1024") }
        #expect(throws: ValueError.self) { try ByteSize.parse("1kB") }
    }

    @Test func numbersAndStrings() throws {
        #expect(try Int.decode(.string("42")) == 42)
        #expect(try Int.decode(.float(4.7)) == 4)
        #expect(try Int.decode(.string("4.7")) == 4)
        #expect(throws: ValueError.self) { try Int.decode(.string("-4.5")) }
        #expect(throws: ValueError.self) { try Int.decode(.string(" 1")) }
        #expect(try String.decode(.float(1e21)) == "1000000000000000000000")
        #expect(try String.decode(.float(5.50)) == "5.5")
        #expect(try String.decode(.null) == "")
        #expect(throws: ValueError.self) { try String.decode(.bool(true)) }
        #expect(throws: ValueError.self) { try [String].decode(.string("a")) }
        do { _ = try [String].decode(.array([.string("a"), .bool(true)])) } catch {
            #expect(error.path == "[1]")
            #expect(error.message == "should be string, got bool")
        }
    }
}
