import Process
import Evaluation

/// Lets `loki.process` stages read their arguments from a block body, with positioned diagnostics.
struct BodyStageArguments: StageArguments {
    var decoder: BodyDecoder

    func has(_ name: String) -> Bool { decoder.has(name) }
    mutating func string(_ name: String) -> String? { decoder.optional(name, as: String.self) }
    mutating func bool(_ name: String) -> Bool? { decoder.optional(name, as: Bool.self) }
    mutating func int(_ name: String) -> Int? { decoder.optional(name, as: Int.self) }
    mutating func double(_ name: String) -> Double? { decoder.optional(name, as: Double.self) }
    mutating func strings(_ name: String) -> [String]? { decoder.optional(name, as: [String].self) }
    mutating func doubles(_ name: String) -> [Double]? { decoder.optional(name, as: [Double].self) }
    mutating func map(_ name: String) -> [String: String]? { decoder.optional(name, as: [String: String].self) }
    mutating func duration(_ name: String) -> Int64? { decoder.optional(name, as: AlloyDuration.self)?.nanoseconds }
    mutating func byteSize(_ name: String) -> Int64? { decoder.optional(name, as: ByteSize.self)?.bytes }

    mutating func blocks(_ name: String) -> [BodyStageArguments] {
        decoder.blocks(name).map { BodyStageArguments(decoder: $0) }
    }

    mutating func blocks(withPrefix prefix: String) -> [(String, BodyStageArguments)] {
        decoder.blocks(withPrefix: prefix).map { ($0.name, BodyStageArguments(decoder: $0.body)) }
    }

    mutating func error(_ message: String, attribute: String?) { decoder.error(message, attribute: attribute) }
    mutating func warning(_ message: String, attribute: String?) { decoder.warning(message, attribute: attribute) }

    mutating func absorb(_ nested: inout BodyStageArguments) { decoder.absorb(&nested.decoder) }
}
