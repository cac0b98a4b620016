import Codecs

/// A compiled JMESPath expression (the Community edition, as Alloy's `stage.json` runs it through
/// `jmespath-community/go-jmespath`): the whole language of the specification plus arithmetic, `$`, `let`
/// variables, string slices and the Community functions.
public struct JMESPathExpression: Sendable {
    /// The text it was compiled from.
    public let text: String
    let tree: Node

    /// Compiles an expression, or says what is wrong and where.
    public init(_ text: String) throws(JMESPathSyntaxError) {
        self.text = text
        var parser = try Parser(text)
        tree = try parser.parse()
    }

    /// Evaluates the expression against a document; null when it selects nothing.
    public func search(_ document: JSON) throws(JMESPathError) -> JSON {
        try Interpreter(root: document).evaluate(tree, document, [:])
    }

    /// What will fail each time the expression runs, found without running it: calls of functions that do not
    /// exist or with a number of arguments that never fits (go-jmespath compiles these and fails at every search).
    public var problems: [String] {
        tree.functionCalls.compactMap { name, count in
            guard let f = Functions.table[name] else { return "unknown function: \(name)()" }
            return f.arityProblem(name, count: count)
        }
    }

    /// The names of every function the language has.
    public static var functionNames: [String] { Functions.table.keys.sorted() }
}
