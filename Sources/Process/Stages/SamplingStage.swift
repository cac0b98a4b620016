import LogCore

/// `stage.sampling`: keeps each entry with probability `rate`.
final class SamplingStage: EntryStage {
    var extractedKeysRead: Set<String>? { [] }
    let rate: Double
    let reason: String
    init(_ a: inout some StageArguments) {
        rate = a.double("rate") ?? 1
        reason = a.string("drop_counter_reason") ?? "sampling_stage"
        if !a.has("rate") { a.error("missing required attribute \"rate\"", attribute: nil) }
        if rate < 0 || rate > 1 { a.error("rate must be between 0 and 1", attribute: "rate") }
    }
    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        Double.random(in: 0..<1) < rate ? nil : reason
    }
}
