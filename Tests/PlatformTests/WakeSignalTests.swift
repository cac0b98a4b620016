import Testing
@testable import Platform

/// WakeSignal drives every polling loop; a regression here turns loops into busy loops or hangs shutdown.
@Suite struct WakeSignalTests {
    @Test func timesOutRepeatedlyWithoutSpinning() async {
        let s = WakeSignal()
        let start = ContinuousClock.now
        for _ in 0..<5 { #expect(await s.wait(timeout: .milliseconds(40)) == false) }
        #expect(ContinuousClock.now - start >= .milliseconds(190), "each wait lasts its timeout, also after the first")
    }

    @Test func aSignalBeforeTheWaitIsRemembered() async {
        let s = WakeSignal()
        s.signal()
        s.signal()
        #expect(await s.wait(timeout: .seconds(5)) == true)
        let start = ContinuousClock.now
        #expect(await s.wait(timeout: .milliseconds(50)) == false, "two signals are remembered as one")
        #expect(ContinuousClock.now - start >= .milliseconds(45))
    }

    @Test func aSignalWakesAWaiter() async {
        let s = WakeSignal()
        let start = ContinuousClock.now
        let waiter = Task { await s.wait(timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(50))
        s.signal()
        #expect(await waiter.value == true)
        // Far below the 30 s timeout; generous because the integration suites running in parallel block
        // cooperative threads with synchronous waits and can delay this task by seconds.
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func cancellationEndsAWaitPromptly() async {
        let s = WakeSignal()
        let start = ContinuousClock.now
        let waiter = Task { await s.wait(timeout: .seconds(3600)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        #expect(await waiter.value == false)
        #expect(ContinuousClock.now - start < .seconds(20), "not the hour-long timeout")
    }
}
