import Testing
@testable import LogCore

@Suite struct LabelSetMemoTests {
    @Test func reusesResultsOfTheSameLabelSetsForOneRound() {
        var memo = LabelSetMemo<String>()
        var computed = 0
        func compute(_ l: LabelSet) -> String { computed += 1; return l["job"]! + "!" }
        let a = LabelSet(["job": "a"]), b = LabelSet(["job": "b"])
        #expect(memo.result(for: a, compute) == "a!")
        #expect(memo.result(for: b, compute) == "b!")
        memo.endRound()
        #expect(computed == 2)

        // The same sets (copies share storage): remembered.
        let copy = a
        #expect(memo.result(for: copy, compute) == "a!")
        #expect(computed == 2)
        // An equal set built separately has its own storage: computed, correctly.
        #expect(memo.result(for: LabelSet(["job": "b"]), compute) == "b!")
        #expect(computed == 3)
        memo.endRound()

        // b was not looked up in the last round: forgotten.
        #expect(memo.remembered(b) == nil)
        #expect(memo.remembered(a) == "a!")
        memo.removeAll()
        #expect(memo.remembered(a) == nil)
    }
}
