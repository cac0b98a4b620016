import Codecs

/// Variables bound by `let` expressions, innermost last.
typealias Scope = [String: JSON]

/// Walks a parsed expression over a document, with go-jmespath's rules: projections drop nulls, a missing field is
/// null, ordering comparisons and arithmetic need numbers (null otherwise), slices also cut strings; an error on the
/// left of a filter, a flatten or `.*` makes that part null, as there.
struct Interpreter {
    let root: JSON

    func evaluate(_ node: Node, _ value: JSON, _ scope: Scope) throws(JMESPathError) -> JSON {
        switch node {
        case .current: return value
        case .root: return root
        case .literal(let v): return v
        case .field(let name): return value[name] ?? .null
        case .variable(let name):
            guard let v = scope[name] else { throw JMESPathError("variable \(name) is not defined") }
            return v
        case .index(let i):
            guard case .array(let a) = value else { return .null }
            let k = i < 0 ? i + a.count : i
            return k >= 0 && k < a.count ? a[k] : .null
        case .slice(let start, let stop, let step):
            switch value {
            case .array(let a): return .array(try Interpreter.slice(a, start, stop, step))
            case .string(let s):
                guard let scalars = try? Interpreter.slice(Array(s.unicodeScalars), start, stop, step) else { return .null }
                var out = String.UnicodeScalarView()
                out.append(contentsOf: scalars)
                return .string(String(out))
            default: return .null
            }
        case .subexpression(let left, let right), .indexExpression(let left, let right):
            let l = try evaluate(left, value, scope)
            if case .null = l { return .null }
            return try evaluate(right, l, scope)
        case .projection(let left, let right):
            let l = try evaluate(left, value, scope)
            switch l {
            case .array(let items): return try project(items, right, scope)
            case .string:
                if case .indexExpression(_, .slice) = left { return try evaluate(right, l, scope) }
                return .null
            default: return .null
            }
        case .valueProjection(let left, let right):
            guard case .object(let fields) = (try? evaluate(left, value, scope)) else { return .null }
            return try project(JSON.uniqueFields(fields).map(\.1), right, scope)
        case .filterProjection(let left, let right, let condition):
            guard case .array(let items) = (try? evaluate(left, value, scope)) else { return .null }
            var out: [JSON] = []
            for item in items where try evaluate(condition, item, scope).isTruthy {
                let r = try evaluate(right, item, scope)
                if case .null = r { continue }
                out.append(r)
            }
            return .array(out)
        case .flatten(let inner):
            guard case .array(let items) = (try? evaluate(inner, value, scope)) else { return .null }
            var out: [JSON] = []
            for item in items {
                if case .array(let nested) = item { out += nested } else { out.append(item) }
            }
            return .array(out)
        case .multiSelectList(let nodes):
            var out: [JSON] = []
            out.reserveCapacity(nodes.count)
            for n in nodes { out.append(try evaluate(n, value, scope)) }
            return .array(out)
        case .multiSelectHash(let pairs):
            var out: [(String, JSON)] = []
            out.reserveCapacity(pairs.count)
            for (k, n) in pairs { out.append((k, try evaluate(n, value, scope))) }
            return .object(JSON.uniqueFields(out))
        case .or(let a, let b):
            let l = try evaluate(a, value, scope)
            return l.isTruthy ? l : try evaluate(b, value, scope)
        case .and(let a, let b):
            let l = try evaluate(a, value, scope)
            return l.isTruthy ? try evaluate(b, value, scope) : l
        case .not(let a):
            return .bool(!(try evaluate(a, value, scope).isTruthy))
        case .comparison(let op, let a, let b):
            let l = try evaluate(a, value, scope), r = try evaluate(b, value, scope)
            switch op {
            case .eq: return .bool(l.jmesEquals(r))
            case .ne: return .bool(!l.jmesEquals(r))
            default:
                guard let x = l.numberValue, let y = r.numberValue else { return .null }
                switch op {
                case .lt: return .bool(x < y)
                case .lte: return .bool(x <= y)
                case .gt: return .bool(x > y)
                default: return .bool(x >= y)
                }
            }
        case .arithmetic(let op, let a, let b):
            let l = try evaluate(a, value, scope), r = try evaluate(b, value, scope)
            guard let x = l.numberValue, let y = r.numberValue else { return .null }
            switch op {
            case .add: return .number(x + y)
            case .subtract: return .number(x - y)
            case .multiply: return .number(x * y)
            case .divide: return .number(x / y)
            case .modulo: return .number(x.truncatingRemainder(dividingBy: y))
            case .intDivide: return .number((x / y).rounded(.down))
            }
        case .negate(let a):
            guard let x = try evaluate(a, value, scope).numberValue else { return .null }
            return .number(-x)
        case .unaryPlus(let a):
            guard let x = try evaluate(a, value, scope).numberValue else { return .null }
            return .number(x)
        case .pipe(let a, let b):
            return try evaluate(b, try evaluate(a, value, scope), scope)
        case .function(let name, let args):
            var resolved: [Argument] = []
            resolved.reserveCapacity(args.count)
            for arg in args {
                if case .expref(let inner) = arg { resolved.append(.expression(inner, scope)) } else {
                    resolved.append(.value(try evaluate(arg, value, scope)))
                }
            }
            return try Functions.call(name, resolved, self)
        case .expref:
            throw JMESPathError("an expression reference (&) can only be a function's argument")
        case .letExpression(let bindings, let body):
            var inner = scope
            for (name, n) in bindings { inner[name] = try evaluate(n, value, scope) }
            return try evaluate(body, value, inner)
        }
    }

    /// Applies an expression reference to one value.
    func apply(_ node: Node, _ scope: Scope, to value: JSON) throws(JMESPathError) -> JSON {
        try evaluate(node, value, scope)
    }

    private func project(_ items: [JSON], _ right: Node, _ scope: Scope) throws(JMESPathError) -> JSON {
        if case .current = right { return .array(items.filter { if case .null = $0 { return false }; return true }) }
        var out: [JSON] = []
        out.reserveCapacity(items.count)
        for item in items {
            let r = try evaluate(right, item, scope)
            if case .null = r { continue }
            out.append(r)
        }
        return .array(out)
    }

    /// Python-style `[start:stop:step]` over any array (go-jmespath's `util.Slice`).
    static func slice<T>(_ a: [T], _ start: Int?, _ stop: Int?, _ step: Int?) throws(JMESPathError) -> [T] {
        let step = step ?? 1
        guard step != 0 else { throw JMESPathError("invalid slice, step cannot be 0") }
        let n = a.count
        func cap(_ v: Int) -> Int {
            if v < 0 {
                let w = v + n
                return w < 0 ? (step < 0 ? -1 : 0) : w
            }
            if v >= n { return step < 0 ? n - 1 : n }
            return v
        }
        let from = start.map(cap) ?? (step < 0 ? n - 1 : 0)
        let to = stop.map(cap) ?? (step < 0 ? -1 : n)
        var out: [T] = []
        var i = from
        if step > 0 {
            while i < to { out.append(a[i]); i += step }
        } else {
            while i > to { out.append(a[i]); i += step }
        }
        return out
    }
}
