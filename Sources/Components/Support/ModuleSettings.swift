import Evaluation
import FileSource
import LogCore

extension BodyDecoder {
    /// Reports what a module found wrong with its settings, each at its attribute in this block.
    mutating func report(_ problems: [ConfigProblem]) {
        for p in problems { error(p.message, attribute: p.attribute) }
    }
}

extension FileMatch.Settings {
    /// `sync_period` and `ignore_older_than`, as `local.file_match` and `loki.source.file`'s `file_match` block
    /// write them; problems are reported at their attributes.
    static func decode(_ d: inout BodyDecoder) -> FileMatch.Settings {
        var s = FileMatch.Settings()
        d.read("sync_period", into: &s.syncPeriod)
        d.read("ignore_older_than", into: &s.ignoreOlderThan)
        d.report(s.problems)
        return s
    }
}
