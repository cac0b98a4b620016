import Codecs

/// A parsed JMESPath expression (the tree go-jmespath's parser builds, one case per node type).
indirect enum Node: Sendable {
    /// `@`, and the implicit right side of a projection.
    case current
    /// `$`: the document the search started from.
    case root
    case field(String)
    case literal(JSON)
    case variable(String)
    case index(Int)
    case slice(start: Int?, stop: Int?, step: Int?)
    case subexpression(Node, Node)
    case indexExpression(Node, Node)
    /// A list projection: `right` applied to each element of the array `left` yields, nulls dropped.
    case projection(Node, Node)
    /// `.*`: `right` applied to each value of the object `left` yields.
    case valueProjection(Node, Node)
    case filterProjection(Node, Node, condition: Node)
    case flatten(Node)
    case multiSelectList([Node])
    case multiSelectHash([(String, Node)])
    case or(Node, Node)
    case and(Node, Node)
    case not(Node)
    case comparison(Comparison, Node, Node)
    case arithmetic(Arithmetic, Node, Node)
    case negate(Node)
    case unaryPlus(Node)
    case pipe(Node, Node)
    case function(String, [Node])
    case expref(Node)
    case letExpression([(String, Node)], Node)

    enum Comparison: Sendable { case eq, ne, lt, lte, gt, gte }
    enum Arithmetic: Sendable { case add, subtract, multiply, divide, modulo, intDivide }

    /// The function calls in the expression, with their argument counts (for checks when it is compiled).
    var functionCalls: [(String, Int)] {
        var calls: [(String, Int)] = []
        visit { if case .function(let name, let args) = $0 { calls.append((name, args.count)) } }
        return calls
    }

    private func visit(_ f: (Node) -> Void) {
        f(self)
        switch self {
        case .current, .root, .field, .literal, .variable, .index, .slice: break
        case .subexpression(let a, let b), .indexExpression(let a, let b), .projection(let a, let b),
             .valueProjection(let a, let b), .or(let a, let b), .and(let a, let b), .comparison(_, let a, let b),
             .arithmetic(_, let a, let b), .pipe(let a, let b):
            a.visit(f); b.visit(f)
        case .filterProjection(let a, let b, let c): a.visit(f); b.visit(f); c.visit(f)
        case .flatten(let a), .not(let a), .negate(let a), .unaryPlus(let a), .expref(let a): a.visit(f)
        case .multiSelectList(let items), .function(_, let items): items.forEach { $0.visit(f) }
        case .multiSelectHash(let pairs): pairs.forEach { $0.1.visit(f) }
        case .letExpression(let bindings, let body): bindings.forEach { $0.1.visit(f) }; body.visit(f)
        }
    }
}
