import Codecs
import LogCore
import Testing
@testable import Process

@Suite struct ParsingStageTests {
    @Test func criParsesAndJoinsPartialLines() throws {
        let h = try StageHarness("stage.cri { }")
        let e = try #require(h.one("2019-04-30T02:12:41.8443515Z stdout F message", labels: ["app": "a"]))
        #expect(e.line == "message")
        #expect(e.labels == ["app": "a", "stream": "stdout"])
        #expect(e.entry.timestamp == 1556590361_844351500)
        #expect(e.x("flags") == "F" && e.x("time") == "2019-04-30T02:12:41.8443515Z" && e.x("content") == "message")
        let out = h.run([
            "2026-11-25T10:00:00Z stdout P first ",
            "2026-11-25T10:00:00Z stderr F on stderr",
            "2026-11-25T10:00:00Z stdout P second ",
            "2026-11-25T10:00:01+01:00 stdout F third",
            "not a cri line",
        ])
        #expect(out.map(\.line) == ["on stderr", "first second third", "not a cri line"])
        #expect(out[1].entry.timestamp == 1795597201_000_000_000, "an offset is honoured")
    }

    @Test func criSkipsExtractedValuesNobodyReads() throws {
        let h = try StageHarness("stage.cri { }\nstage.static_labels {\n\tvalues = {env = \"lab\"}\n}")
        let alone = Pipeline(h.pipeline.stages, extractedReadAfter: false)
        let lines = ["2026-11-25T10:00:00Z stdout P first ", "2026-11-25T10:00:00Z stdout F second", "2026-11-25T10:00:01Z stderr F alone"]
        let entries = lines.map { ProcessEntry(LogEntry(timestamp: 1, line: Array($0.utf8), labels: LabelSet(["app": "a"]))) }
        let out = alone.process(entries, h.ctx)
        #expect(out.map(\.line) == ["first second", "alone"], "the message is cut out in place, partial lines still join")
        #expect(out.allSatisfy { $0.x("content") == nil && $0.x("time") == nil }, "no later stage reads them")
        #expect(out[1].labels == ["app": "a", "env": "lab", "stream": "stderr"])
        // With a reader after it (stage.labels), the values are there.
        let read = try StageHarness("stage.cri { }\nstage.labels {\n\tvalues = {flags = \"\"}\n}")
        let both = Pipeline(read.pipeline.stages, extractedReadAfter: false)
        #expect(both.process([ProcessEntry(LogEntry(timestamp: 1, line: Array(lines[2].utf8), labels: LabelSet(["app": "a"])))], read.ctx)
            .first?.labels["flags"] == "F")
        // Readers of other keys (the regex reads the line and writes `level`) do not make CRI fill its four.
        let other = try StageHarness("stage.cri { }\nstage.regex {\n\texpression = \"(?P<level>info|error)\"\n}\nstage.labels {\n\tvalues = {level = \"\"}\n}")
        let p = Pipeline(other.pipeline.stages, extractedReadAfter: false)
        let got = p.process([ProcessEntry(LogEntry(timestamp: 1, line: Array("2026-11-25T10:00:01Z stdout F an error here".utf8), labels: LabelSet(["app": "a"])))], other.ctx)
        #expect(got.first?.labels["level"] == "error")
        #expect(got.first?.line == "an error here")
        #expect(got.first?.x("content") == nil)
    }

    @Test func criPartialLimits() throws {
        let h = try StageHarness("stage.cri {\n\tmax_partial_lines = 2\n\tmax_partial_line_size = 8\n\tmax_partial_line_size_truncate = true\n}")
        let out = h.run([
            "2026-11-25T10:00:00Z stdout P aaaaaaaaaaaa",
            "2026-11-25T10:00:00Z stdout F b",
        ], labels: ["x": "1"])
        #expect(out.map(\.line) == ["aaaaaaaa"])
        let h2 = try StageHarness("stage.cri {\n\tmax_partial_lines = 2\n}")
        let flushed = h2.run(["2026-11-25T10:00:00Z stdout P one"], labels: ["p": "1"])
            + h2.run(["2026-11-25T10:00:00Z stdout P two"], labels: ["p": "2"])
            + h2.run(["2026-11-25T10:00:00Z stdout P three"], labels: ["p": "3"])
        #expect(flushed.map(\.line) == ["one", "two"], "reaching max_partial_lines flushes what is pending")
    }

    @Test func docker() throws {
        let h = try StageHarness("stage.docker { }")
        let e = try #require(h.one(#"{"log":"log message\n","stream":"stderr","time":"2019-04-30T02:12:41.8443515Z"}"#))
        #expect(e.line == "log message\n")
        #expect(e.labels["stream"] == "stderr")
        #expect(e.entry.timestamp == 1556590361_844351500)
        #expect(h.one("plain")?.line == "plain")
    }

    @Test func jsonWithNestedSource() throws {
        let h = try StageHarness("""
        stage.json {
        \texpressions = {output = "log", extra = "", "user-level" = "\\"user-level\\"", first = "items[0].n", names = "items[*].n"}
        }
        stage.json {
        \texpressions = {username = "user"}
        \tsource      = "extra"
        }
        """)
        let e = try #require(h.one(#"{"log":"log message\n","extra":"{\"user\":\"alloy\"}","user-level":"admin","items":[{"n":"a"},{"n":"b"}]}"#))
        #expect(e.x("output") == "log message\n")
        #expect(e.x("extra") == #"{"user":"alloy"}"#)
        #expect(e.x("username") == "alloy")
        #expect(e.x("user-level") == "admin")
        #expect(e.x("first") == "a")
        #expect(e.x("names") == #"["a","b"]"#)
        let dropper = try StageHarness("stage.json {\n\texpressions = {a = \"\"}\n\tdrop_malformed = true\n}")
        #expect(dropper.run(["not json", "[1]", #"{"a":1}"#]).map { $0.x("a") } == ["1"])
        #expect(dropper.ctx.drops["malformed_json"] == 2)
    }

    @Test func logfmt() throws {
        let h = try StageHarness("""
        stage.logfmt {
        \tmapping = {extra = "", level = "", duration = ""}
        }
        stage.logfmt {
        \tmapping = {username = "user"}
        \tsource  = "extra"
        }
        """)
        let e = try #require(h.one(#"time=2012-11-01T22:08:41+00:00 app=loki level=WARN duration=125 message="this is a log line" extra="user=foo""#))
        #expect(e.x("level") == "WARN" && e.x("duration") == "125" && e.x("extra") == "user=foo" && e.x("username") == "foo")
    }

    @Test func regexNamedGroups() throws {
        let h = try StageHarness(#"""
        stage.regex {
        	expression = "^(?s)(?P<time>\\S+?) (?P<stream>stdout|stderr) (?P<flags>\\S+?) (?P<content>.*)$"
        }
        stage.regex {
        	expression         = "(?P<level>INFO|WARN)?m"
        	source             = "content"
        	labels_from_groups = true
        }
        """#)
        let e = try #require(h.one("2019-01-01T01:00:00.000000001Z stderr P i'm a log message!"))
        #expect(e.x("stream") == "stderr" && e.x("flags") == "P" && e.x("content") == "i'm a log message!")
        #expect(e.x("level") == "", "a group that did not take part is empty")
        #expect(StageHarness.errors(#"stage.regex { expression = "(unclosed" }"#).first?.contains("invalid regex") == true)
    }

    @Test func timestampFormats() throws {
        func ts(_ format: String, _ value: String, location: String? = nil) throws -> Int64? {
            let loc = location.map { "\n\tlocation = \"\($0)\"" } ?? ""
            let h = try StageHarness("stage.regex { expression = \"^(?P<t>.*)$\" }\nstage.timestamp {\n\tsource = \"t\"\n\tformat = \"\(format)\"\(loc)\n\taction_on_failure = \"skip\"\n}")
            let t = h.one(value)?.entry.timestamp
            return t == 1_000 ? nil : t
        }
        #expect(try ts("RFC3339", "2026-11-25T10:00:00+02:00") == 1795593600_000_000_000)
        #expect(try ts("RFC3339Nano", "2026-11-25T10:00:00.123456789Z") == 1795600800_123456789)
        #expect(try ts("Unix", "1795420800.5") == 1795420800_500_000_000)
        #expect(try ts("UnixMs", "1795420800123") == 1795420800_123_000_000)
        #expect(try ts("UnixUs", "1795420800123456") == 1795420800_123_456_000)
        #expect(try ts("UnixNs", "1795420800123456789") == 1795420800_123456789)
        #expect(try ts("2006-01-02 15:04:05.000", "2026-11-25 10:00:00.250") == 1795600800_250_000_000)
        #expect(try ts("2006-01-02 15:04:05", "2026-11-25 10:00:00,5") == 1795600800_500_000_000, "a fraction after seconds is accepted")
        #expect(try ts("02/Jan/2006:15:04:05 -0700", "25/Nov/2026:10:00:00 +0100") == 1795597200_000_000_000)
        #expect(try ts("Mon Jan _2 15:04:05 2006", "Wed Nov  5 10:00:00 2026") == 1793872800_000_000_000)
        #expect(try ts("RFC1123", "Wed, 25 Nov 2026 10:00:00 UTC") == 1795600800_000_000_000)
        #expect(try ts("3:04PM Jan 2 2006", "10:00AM Nov 25 2026") == 1795600800_000_000_000)
        #expect(try ts("2006-01-02 15:04:05", "2026-07-01 12:00:00", location: "America/New_York") == 1782921600_000_000_000)
        #expect(try ts("2006-01-02", "garbage") == nil)
    }

    @Test func timestampFudgesFailuresAndDuplicates() throws {
        let h = try StageHarness("stage.regex { expression = \"^(?P<t>\\\\S*)\" }\nstage.timestamp {\n\tsource = \"t\"\n\tformat = \"UnixNs\"\n}")
        let out = h.run(["100 a", "100 b", "bad c"], labels: ["s": "1"])
        #expect(out.map(\.entry.timestamp) == [100, 101, 102])
    }
}

@Suite struct LabelStageTests {
    @Test func labelsFromExtractedAndStatic() throws {
        let h = try StageHarness("""
        stage.logfmt {
        \tmapping = {level = "", comp = "component"}
        }
        stage.labels {
        \tvalues = {level = "", component = "comp", missing = ""}
        }
        stage.static_labels {
        \tvalues = {cluster = "homelab", empty = ""}
        }
        """)
        let e = try #require(h.one("level=warn component=db", labels: ["missing": "kept"]))
        #expect(e.labels == ["level": "warn", "component": "db", "missing": "kept", "cluster": "homelab"])
    }

    @Test func dropKeepAndStructuredMetadata() throws {
        let h = try StageHarness("""
        stage.label_drop {
        \tvalues = ["filename"]
        }
        stage.structured_metadata {
        \tvalues = {pod = "", trace_id = "trace"}
        }
        stage.label_keep {
        \tvalues = ["namespace", "app"]
        }
        """)
        let e = try #require(h.one("x", labels: ["filename": "/f", "pod": "p-1", "namespace": "n", "app": "a", "node": "k1"]))
        #expect(e.labels == ["namespace": "n", "app": "a"])
        #expect(e.entry.structuredMetadata == [Label("pod", "p-1")])
        let d = try StageHarness("stage.structured_metadata_drop {\n\tvalues = [\"pod\"]\n}")
        var entry = ProcessEntry(LogEntry(timestamp: 0, line: [], labels: LabelSet(), structuredMetadata: [Label("pod", "x"), Label("y", "z")]))
        entry = d.pipeline.process([entry], d.ctx)[0]
        #expect(entry.entry.structuredMetadata == [Label("y", "z")])
    }

    @Test func outputTenantPack() throws {
        let h = try StageHarness("""
        stage.json {
        \texpressions = {msg = "", user = ""}
        }
        stage.tenant {
        \tsource = "user"
        }
        stage.pack {
        \tlabels           = ["app"]
        \tingest_timestamp = false
        }
        """)
        let e = try #require(h.one(#"{"msg":"hi <b>","user":"team-a"}"#, labels: ["app": "web", "env": "p"]))
        #expect(e.labels == ["env": "p", "__tenant_id__": "team-a"])
        #expect(e.line == #"{"app":"web","_entry":"{\"msg\":\"hi \u003cb\u003e\",\"user\":\"team-a\"}"}"#)
        let o = try StageHarness("stage.json {\n\texpressions = {msg = \"\"}\n}\nstage.output {\n\tsource = \"msg\"\n}")
        #expect(o.one(#"{"msg":"only this"}"#)?.line == "only this")
    }
}

@Suite struct FilterStageTests {
    @Test func dropConditions() throws {
        let long = try StageHarness("stage.drop {\n\tlonger_than = \"8B\"\n}")
        #expect(long.run(["short", "much longer line"]).map(\.line) == ["short"])
        #expect(long.ctx.drops["drop_stage"] == 1)
        let expr = try StageHarness("stage.drop {\n\texpression = \"health(z|check)\"\n\tdrop_counter_reason = \"probes\"\n}")
        #expect(expr.run(["GET /healthz", "GET /orders"]).map(\.line) == ["GET /orders"])
        #expect(expr.ctx.drops["probes"] == 1)
        let value = try StageHarness("stage.drop {\n\tsource = \"namespace,app\"\n\tseparator = \"/\"\n\tvalue = \"kube-system/coredns\"\n}")
        #expect(value.run(["a"], labels: ["namespace": "kube-system", "app": "coredns"]).isEmpty)
        #expect(value.run(["a"], labels: ["namespace": "kube-system", "app": "proxy"]).count == 1)
        let old = try StageHarness("stage.drop {\n\tolder_than = \"1h\"\n}")
        #expect(old.run(["ancient"], timestamp: 1).isEmpty)
        #expect(old.run(["fresh"], timestamp: WallClock.nowNanoseconds()).count == 1)
        #expect(!StageHarness.errors("stage.drop { }").isEmpty)
        #expect(!StageHarness.errors("stage.drop {\n\tvalue = \"x\"\n}").isEmpty)
    }

    @Test func matchKeepAndDrop() throws {
        let h = try StageHarness(#"""
        stage.match {
        	selector = "{app=\"nginx\"} |= \"GET\" != \"healthz\""
        	stage.static_labels {
        		values = {method = "get"}
        	}
        }
        stage.match {
        	selector            = "{namespace=~\"kube-.*\"}"
        	action              = "drop"
        	drop_counter_reason = "system"
        }
        """#)
        let out = h.run(["GET /a", "POST /b", "GET /healthz"], labels: ["app": "nginx"])
        #expect(out.map(\.line) == ["GET /a", "POST /b", "GET /healthz"], "order is preserved")
        #expect(out.map { $0.labels["method"] } == ["get", nil, nil])
        #expect(h.run(["x"], labels: ["namespace": "kube-system"]).isEmpty)
        #expect(h.ctx.drops["system"] == 1)
        #expect(StageHarness.errors("stage.match {\n\tselector = \"{}\"\n\taction = \"drop\"\n}").first?.contains("invalid selector") == true)
        #expect(!StageHarness.errors("stage.match {\n\tselector = \"{a=\\\"b\\\"}\"\n}").isEmpty, "keep needs nested stages")
    }

    @Test func limitAndSampling() throws {
        let limit = try StageHarness("stage.limit {\n\trate = 1\n\tburst = 3\n\tdrop = true\n}")
        #expect(limit.run((0..<10).map(String.init)).count == 3)
        #expect(limit.ctx.drops["ratelimit_drop_stage"] == 7)
        let byLabel = try StageHarness("stage.limit {\n\trate = 1\n\tburst = 1\n\tdrop = true\n\tby_label_name = \"app\"\n}")
        #expect(byLabel.run(["a", "b"], labels: ["app": "x"]).count == 1)
        #expect(byLabel.run(["c"], labels: ["app": "y"]).count == 1)
        #expect(try StageHarness("stage.sampling {\n\trate = 0\n}").run(["a", "b"]).isEmpty)
        #expect(try StageHarness("stage.sampling {\n\trate = 1\n}").run(["a", "b"]).count == 2)
    }
}

@Suite struct TransformStageTests {
    @Test func multilineJoinsUntilTheNextFirstLine() throws {
        let h = try StageHarness("stage.multiline {\n\tfirstline = \"^\\\\[\\\\d{4}\"\n\tmax_lines = 3\n}")
        let out = h.run(["orphan", "[2026] start", "  at a", "  at b", "[2026] next", "  at c", "  at d", "  at e"])
        #expect(out.map(\.line) == ["orphan", "[2026] start\n  at a\n  at b", "[2026] next\n  at c\n  at d"])
        let rest = h.pipeline.flush(nowNanoseconds: WallClock.nowNanoseconds(), force: true, h.ctx)
        #expect(rest.map(\.line) == ["  at e"])
    }

    @Test func decolorizeTruncate() throws {
        let d = try StageHarness("stage.decolorize { }")
        #expect(d.one("\u{1B}[0;32mgreen\u{1B}[0m text \u{1B}[1mbold")?.line == "green text bold")
        let t = try StageHarness("""
        stage.truncate {
        \trule {
        \t\tlimit  = "10B"
        \t\tsuffix = "..."
        \t}
        \trule {
        \t\tlimit       = "4B"
        \t\tsource_type = "label"
        \t\tsources     = ["pod"]
        \t}
        }
        """)
        let e = try #require(t.one("0123456789abcdef", labels: ["pod": "abcdefgh", "ns": "longnamespace"]))
        #expect(e.line == "0123456...")
        #expect(e.labels == ["pod": "abcd", "ns": "longnamespace"])
        #expect(e.x("truncated") == "label,line")
    }

    @Test func unsupportedStagesSaySo() {
        #expect(StageHarness.errors("stage.geoip {\n\tdb = \"x\"\n\tsource = \"ip\"\n}").first?.contains("not supported by Tributary") == true)
        #expect(StageHarness.errors("stage.nonsense { }").first == "unrecognized block name \"stage.nonsense\"")
    }

    @Test func splitJSONAndLuhn() throws {
        let split = try StageHarness("stage.split_json { }")
        let out = split.run([#"[{"a":1}, "two" ,3,[4,5]]"#, "not an array", "[]"], labels: ["k": "v"])
        #expect(out.map(\.line) == [#"{"a":1}"#, #""two""#, "3", "[4,5]", "not an array"])
        #expect(out.allSatisfy { $0.labels == ["k": "v"] })
        let luhn = try StageHarness("stage.luhn {\n\tdelimiters = \" -\"\n}")
        #expect(luhn.one("card 4111 1111 1111 1111 ok")?.line == "card **REDACTED**ok")
        #expect(luhn.one("order 4111111111111112 kept")?.line == "order 4111111111111112 kept", "fails the Luhn check")
        #expect(luhn.one("short 4242")?.line == "short 4242")
    }
}
