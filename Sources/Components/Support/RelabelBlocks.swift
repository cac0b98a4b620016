import Relabel
import Evaluation

/// Relabel rules carried through the configuration language (`discovery.relabel.x.rules`,
/// `loki.relabel.x.rules`), for consumers such as `loki.source.journal`'s `relabel_rules`.
public struct RulesCapsule: CapsuleValue {
    public let ownerID: String
    public let rules: [RelabelRule]
    public init(ownerID: String, rules: [RelabelRule]) {
        self.ownerID = ownerID
        self.rules = rules
    }
    public var capsuleName: String { "relabel.Rules" }
    public func isEqual(to other: any CapsuleValue) -> Bool { (other as? RulesCapsule)?.ownerID == ownerID }
}

/// An argument of type `RelabelRules`.
public struct RulesRef: AlloyDecodable {
    public let rules: [RelabelRule]
    public static var alloyTypeName: String { "capsule(\"relabel.Rules\")" }
    public static var zero: RulesRef { RulesRef(rules: []) }
    public static func decode(_ v: Value) throws(ValueError) -> RulesRef {
        switch v {
        case .capsule(let c as RulesCapsule): return RulesRef(rules: c.rules)
        case .null: return .zero
        default: throw ValueError("should be capsule(\"relabel.Rules\"), got \(v.typeName)")
        }
    }
}

/// Decodes every `rule` block of a body into compiled rules; invalid ones become positioned diagnostics.
func decodeRelabelRules(_ d: inout BodyDecoder) -> [RelabelRule] {
    var rules: [RelabelRule] = []
    for var b in d.blocks("rule") {
        let action: String = b.attribute("action", default: "replace")
        let sourceLabels: [String] = b.attribute("source_labels", default: [])
        let separator: String = b.attribute("separator", default: RelabelRule.defaultSeparator)
        let regex: String = b.attribute("regex", default: RelabelRule.defaultRegex)
        let modulus: UInt64 = b.attribute("modulus", default: 0)
        let targetLabel: String = b.attribute("target_label", default: "")
        let replacement: String = b.attribute("replacement", default: RelabelRule.defaultReplacement)
        if b.diagnostics.hasErrors {
            d.absorb(&b)
            continue
        }
        do throws(RelabelRule.ConfigError) {
            rules.append(try RelabelRule(action: action, sourceLabels: sourceLabels, separator: separator, regex: regex,
                                         modulus: modulus, targetLabel: targetLabel, replacement: replacement))
        } catch {
            b.error(error.message, attribute: error.attribute)
        }
        d.absorb(&b)
    }
    return rules
}
