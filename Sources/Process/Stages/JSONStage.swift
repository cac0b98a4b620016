import Codecs
import JMESPath
import LogCore
import RE2

/// `stage.json`: parses the line (or an extracted value) as a JSON object and stores JMESPath `expressions`
/// (the whole Community edition) and keys matching `regex` in the extracted map. Malformed input is left alone, or
/// dropped with `drop_malformed`; an expression whose search fails on a line sets nothing, as in Alloy.
final class JSONStage: EntryStage {
    let expressions: [(String, JMESPathExpression)]
    let regex: RE2?
    let source: String?
    let dropMalformed: Bool

    init(_ a: inout some StageArguments) {
        var exprs: [(String, JMESPathExpression)] = []
        for (name, expr) in (a.map("expressions") ?? [:]).sorted(by: { $0.key < $1.key }) {
            do {
                let compiled = try JMESPathExpression(expr.isEmpty ? name : expr)
                for problem in compiled.problems {
                    a.warning("JMESPath expression for \"\(name)\" will fail on every line: \(problem)", attribute: "expressions")
                }
                exprs.append((name, compiled))
            } catch {
                a.error("could not compile JMESPath expression for \"\(name)\" (\(expr.isEmpty ? name : expr)): \(error)", attribute: "expressions")
            }
        }
        expressions = exprs
        regex = compile(a.string("regex"), &a, attribute: "regex")
        source = a.string("source")
        dropMalformed = a.bool("drop_malformed") ?? false
        if exprs.isEmpty && regex == nil && !a.has("expressions") && !a.has("regex") {
            a.error("expressions or regex must be set", attribute: nil)
        }
        if a.has("source") && source == "" { a.error("source cannot be empty", attribute: "source") }
    }

    func apply(_ e: inout ProcessEntry, _ ctx: PipelineContext) -> String? {
        let doc: JSON?
        if let source {
            guard let v = e.extracted[source]?.stringValue else { return nil }
            doc = (try? JSON.parse(v))
        } else {
            doc = e.entry.line.withUnsafeBytes { (try? JSON.parse($0)) }
        }
        guard let doc, case .object(let fields) = doc else {
            return dropMalformed ? "malformed_json" : nil
        }
        for (name, expression) in expressions {
            if let v = try? expression.search(doc) { e.extracted[name] = v.extracted }
        }
        if let regex {
            for (k, v) in fields where regex.matches(k) { e.extracted[k] = v.extracted }
        }
        return nil
    }
}

/// Compiles an optional unanchored stage regex, reporting an invalid one.
func compile(_ pattern: String?, _ a: inout some StageArguments, attribute: String) -> RE2? {
    guard let pattern, !pattern.isEmpty else { return nil }
    do { return try RE2(pattern) } catch {
        a.error("invalid regex: \(error)", attribute: attribute)
        return nil
    }
}
