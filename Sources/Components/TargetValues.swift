import Runtime

/// Converts targets to the `list(map(string))` value components export.
func targetsValue(_ targets: [[String: String]]) -> Value {
    .array(targets.map { t in .object(t.mapValues { .string($0) }) })
}
