import LogCore
import Testing
@testable import Process

/// The stage registry: unknown and unsupported stages.
@Suite struct StageFactoryTests {
    @Test func unsupportedStagesSaySo() {
        #expect(StageHarness.errors("stage.geoip {\n\tdb = \"x\"\n\tsource = \"ip\"\n}").first?.contains("not supported by Tributary") == true)
        #expect(StageHarness.errors("stage.nonsense { }").first == "unrecognized block name \"stage.nonsense\"")
    }
}
