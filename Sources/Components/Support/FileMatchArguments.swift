import Evaluation
import FileSource

extension FileMatch.Settings {
    /// `sync_period` and `ignore_older_than`, as `local.file_match` and `loki.source.file`'s `file_match` block
    /// write them; problems are reported at their attributes.
    static func decode(_ d: inout BodyDecoder) -> FileMatch.Settings {
        var s = FileMatch.Settings()
        d.read("sync_period", into: &s.syncPeriod)
        d.read("ignore_older_than", into: &s.ignoreOlderThan)
        for p in s.problems { d.error(p.message, attribute: p.attribute) }
        return s
    }
}
