import Syntax

/// A block body evaluated for display, as Alloy's UI shows a component's arguments: each attribute with its value
/// (null when it cannot be evaluated now, `(secret)` where the component reads a secret), each nested block with its
/// label and body.
public indirect enum EvaluatedStatement: Sendable {
    case attribute(name: String, value: Value)
    case block(name: String, label: String, body: [EvaluatedStatement])
}

extension Evaluator {
    /// Evaluates `body`; attributes whose name offset is in `secrets` are shown as `(secret)`.
    public func evaluateBody(_ body: [Statement], secrets: Set<Int>) -> [EvaluatedStatement] {
        body.map { s in
            switch s {
            case .attribute(let a):
                if secrets.contains(a.nameOffset) { return .attribute(name: a.name, value: .capsule(Secret(""))) }
                let value = (try? evaluate(a.value)) ?? .null
                return .attribute(name: a.name, value: value)
            case .block(let b):
                return .block(name: b.fullName, label: b.label, body: evaluateBody(b.body, secrets: secrets))
            }
        }
    }
}

extension [EvaluatedStatement] {
    /// The components whose receivers these statements hold (where entries flow), in order of first appearance.
    public var dataFlowOwners: [String] {
        var out: [String] = []
        func visit(_ v: Value) {
            switch v {
            case .capsule(let c as any DataFlowCapsule): if !out.contains(c.ownerID) { out.append(c.ownerID) }
            case .array(let a): a.forEach(visit)
            case .object(let o): o.keys.sorted().forEach { visit(o[$0]!) }
            default: break
            }
        }
        func walk(_ statements: [EvaluatedStatement]) {
            for s in statements {
                switch s {
                case .attribute(_, let value): visit(value)
                case .block(_, _, let body): walk(body)
                }
            }
        }
        walk(self)
        return out
    }
}
