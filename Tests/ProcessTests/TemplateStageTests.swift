import Testing
@testable import Process

/// `stage.template`: extracted values rewritten through a Go template.
@Suite struct TemplateStageTests {
    @Test func rendersIntoExtractedValues() throws {
        let h = try StageHarness("""
        stage.logfmt {
        \tmapping = {app = "", level = ""}
        }
        stage.template {
        \tsource   = "app"
        \ttemplate = "{{ .Value }}_{{ ToUpper .level }}"
        }
        stage.template {
        \tsource   = "level"
        \ttemplate = "{{ if eq .level \\"debug\\" }}{{ end }}"
        }
        stage.template {
        \tsource   = "summary"
        \ttemplate = "{{ .app }}: {{ .Entry }}"
        }
        """)
        let e = try #require(h.one("app=loki level=debug"))
        #expect(e.x("app") == "loki_DEBUG")
        #expect(e.x("level") == nil, "an empty result deletes the key")
        #expect(e.x("summary") == "loki_DEBUG: app=loki level=debug")
    }
}
