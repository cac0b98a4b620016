import LogCore
import Testing
@testable import FileSource

@Suite struct GlobTests {
    @Test func segmentMatching() {
        #expect(Glob.match("/var/log/*.log", "/var/log/a.log"))
        #expect(Glob.match("/var/log/*.log", "/var/log/.hidden.log"), "doublestar's * matches a leading dot")
        #expect(!Glob.match("/var/log/*.log", "/var/log/sub/a.log"))
        #expect(Glob.match("/var/log/?.log", "/var/log/a.log"))
        #expect(!Glob.match("/var/log/?.log", "/var/log/ab.log"))
        #expect(Glob.match("/x/[a-c].log", "/x/b.log"))
        #expect(!Glob.match("/x/[!a-c].log", "/x/b.log"))
        #expect(Glob.match("/x/[^a-c].log", "/x/d.log"))
        #expect(Glob.match("/x/{a,b}.log", "/x/b.log"))
        #expect(!Glob.match("/x/{a,b}.log", "/x/c.log"))
        #expect(Glob.match("/x/{a,{b,c}}.log", "/x/c.log"))
        #expect(Glob.match("/x/\\*.log", "/x/*.log"))
        #expect(!Glob.match("/x/\\*.log", "/x/a.log"))
        #expect(Glob.match("/x/*é.log", "/x/café.log"))
    }

    @Test func doubleStar() {
        #expect(Glob.match("/var/log/**/*.log", "/var/log/a.log"))
        #expect(Glob.match("/var/log/**/*.log", "/var/log/a/b/c.log"))
        #expect(Glob.match("/var/log/**", "/var/log/a/b"))
        #expect(!Glob.match("/var/log/**/*.log", "/var/lib/a.log"))
    }

    @Test func braceExpansion() {
        #expect(Glob.expandBraces("a{b,c}d{e,f}").sorted() == ["abde", "abdf", "acde", "acdf"])
        #expect(Glob.expandBraces("no-braces") == ["no-braces"])
    }

    @Test func expandsOnDisk() {
        let dir = TempDir()
        dir.write("pods/ns_a_1/app/0.log", "x\n")
        dir.write("pods/ns_a_1/app/0.log.20261125-100000", "x\n")
        dir.write("pods/ns_b_2/side/1.log", "x\n")
        dir.write("pods/ns_b_2/side/deep/2.log", "x\n")
        dir.mkdir("pods/ns_c_3/app/dir.log")
        let p = dir.path
        #expect(Glob.expand(p + "/pods/*/*/*.log") == [p + "/pods/ns_a_1/app/0.log", p + "/pods/ns_b_2/side/1.log", p + "/pods/ns_c_3/app/dir.log"].sorted())
        #expect(Glob.expand(p + "/pods/**/*.log").count == 4)
        #expect(Glob.expand(p + "/pods/ns_{a_1,b_2}/*/0.log") == [p + "/pods/ns_a_1/app/0.log"])
        #expect(Glob.expand(p + "/pods/ns_a_1/app/0.log") == [p + "/pods/ns_a_1/app/0.log"])
        #expect(Glob.expand(p + "/nothing/*.log").isEmpty)
    }

    @Test func fileMatchSkipsDirectoriesExcludesAndOldFiles() {
        let dir = TempDir()
        let a = dir.write("pods/ns_a_1/app/0.log", "x\n")
        dir.write("pods/ns_b_2/app/0.log", "x\n")
        dir.mkdir("pods/ns_c_3/app/0.log")
        var resolver = FileMatch.Resolver()
        let targets = resolver.resolve([LabelSet([
            "__path__": dir.path + "/pods/*/*/*.log",
            "__path_exclude__": dir.path + "/pods/ns_b_*/**",
            "job": "pods",
        ])], nowNanoseconds: 0)
        #expect(targets.count == 1)
        #expect(targets.first?["__path__"] == a)
        #expect(targets.first?["job"] == "pods")
        #expect(targets.first?["__path_exclude__"] != nil)
        let fresh = resolver.resolve([LabelSet(["__path__": a])], ignoreOlderThan: 1_000_000_000, nowNanoseconds: Int64.max / 2)
        #expect(fresh.isEmpty, "a file older than ignore_older_than is skipped")
    }
}

@Suite struct FileMatchResolverTests {
    func sameStorage(_ a: LabelSet, _ b: LabelSet) -> Bool {
        a.labels.withUnsafeBufferPointer { x in b.labels.withUnsafeBufferPointer { x.baseAddress == $0.baseAddress } }
    }

    @Test func unchangedTargetsAndFilesKeepTheirLabelSets() {
        let dir = TempDir()
        let a = dir.write("pods/a/0.log", "x\n")
        let target = LabelSet(["__path__": dir.path + "/pods/*/*.log", "job": "pods"])
        var resolver = FileMatch.Resolver()
        let first = resolver.resolve([target], nowNanoseconds: 0)
        #expect(first.map { $0["__path__"] } == [a])

        let b = dir.write("pods/b/0.log", "x\n")
        let second = resolver.resolve([target], nowNanoseconds: 0)
        #expect(Set(second.compactMap { $0["__path__"] }) == [a, b])
        let kept = second.first { $0["__path__"] == a }!
        #expect(sameStorage(kept, first[0]), "the target of a file still matched is the one of the last round")

        // Another target (other labels) makes its own label sets.
        let relabelled = LabelSet(["__path__": dir.path + "/pods/*/*.log", "job": "other"])
        let third = resolver.resolve([relabelled], nowNanoseconds: 0)
        #expect(third.allSatisfy { $0["job"] == "other" } && third.count == 2)
    }
}
