import LogCore
import Testing
@testable import Process

/// `stage.luhn`: card numbers that pass the Luhn check redacted.
@Suite struct LuhnStageTests {
    @Test func redactsNumbersPassingTheCheck() throws {
        let luhn = try StageHarness("stage.luhn {\n\tdelimiters = \" -\"\n}")
        #expect(luhn.one("card 4111 1111 1111 1111 ok")?.line == "card **REDACTED**ok")
        #expect(luhn.one("order 4111111111111112 kept")?.line == "order 4111111111111112 kept", "fails the Luhn check")
        #expect(luhn.one("short 4242")?.line == "short 4242")
    }
}
