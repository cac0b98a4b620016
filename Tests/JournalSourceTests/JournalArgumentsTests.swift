import Testing
@testable import JournalSource

/// The arguments of `loki.source.journal` and what `validate` says about wrong ones.
@Suite struct JournalArgumentsTests {
    @Test func matchesGroupsAndTerms() throws {
        #expect(try JournalMatches("").groups == [])
        #expect(try JournalMatches("  _SYSTEMD_UNIT=kubelet.service\tPRIORITY=3 ").groups == [["_SYSTEMD_UNIT=kubelet.service", "PRIORITY=3"]])
        #expect(try JournalMatches("_SYSTEMD_UNIT=a.service + _TRANSPORT=kernel").groups == [["_SYSTEMD_UNIT=a.service"], ["_TRANSPORT=kernel"]])
        #expect(try JournalMatches("MESSAGE=").groups == [["MESSAGE="]], "an empty value is a valid match")
    }

    @Test(arguments: [
        ("kubelet", "match \"kubelet\" must have the form FIELD=value"),
        ("=x", "match \"=x\" must have the form FIELD=value"),
        ("_systemd_unit=a", "match \"_systemd_unit=a\": a journal field name has only upper-case letters, digits and \"_\""),
        ("__CURSOR=x", "match \"__CURSOR=x\": fields starting with \"__\" (address fields) cannot be matched"),
        ("+ A=b", "\"+\" in matches must stand between two terms"),
        ("A=b +", "\"+\" in matches must stand between two terms"),
        ("A=b + + C=d", "\"+\" in matches must stand between two terms"),
    ])
    func badMatches(text: String, message: String) {
        #expect(throws: JournalMatches.ParseError.self) { try JournalMatches(text) }
        #expect((try? JournalMatches(text)) == nil)
        do { _ = try JournalMatches(text) } catch { #expect(error.message == message) }
    }

    @Test func configErrorsArePositioned() {
        #expect(JournalHarness.errors("\tmatches = \"unit=kubelet\"") ==
                ["j.alloy:3:2: match \"unit=kubelet\": a journal field name has only upper-case letters, digits and \"_\""])
        #expect(JournalHarness.errors("\tmax_age = \"7d\"").first?.hasPrefix("j.alloy:3:12: ") == true)
        #expect(JournalHarness.errors("\tformat_as_json = \"yes\"") == ["j.alloy:3:19: \"yes\" should be bool, got string"])
        #expect(JournalHarness.errors("\tlabels = {\"bad-name\" = \"x\"}") ==
                ["j.alloy:3:2: invalid label name \"bad-name\" in labels: a label name matches [a-zA-Z_][a-zA-Z0-9_]*"])
        #expect(JournalHarness.errors("\tpaht = \"/x\"").first?.contains("unrecognized attribute name \"paht\"") == true)
        #expect(JournalHarness.errors("\tlegacy_position {\n\t\tfile = \"/p.yml\"\n\t}").first?.contains("missing required attribute \"name\"") == true)
        #expect(JournalHarness.errors("\tpath = \"/var/log/journal\"\n\tmax_age = \"12h\"\n\tmatches = \"_TRANSPORT=kernel\"") == [])
    }
}
