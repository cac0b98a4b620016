import LogCore
import Testing
@testable import Process

/// The stage registry: unknown and unsupported stages.
@Suite struct StageFactoryTests {
    @Test func unsupportedStagesSaySo() {
        #expect(StageHarness.errors("stage.windowsevent { }").first?.contains("not supported by Tributary: it is for Windows event logs") == true)
        #expect(StageHarness.errors("stage.nonsense { }").first == "unrecognized block name \"stage.nonsense\"")
    }
}
