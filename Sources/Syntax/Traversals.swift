/// Calls `body` with every maximal `ident.field.field` chain in the statements' expressions.
public func forEachTraversal(in body: [Statement], _ visit: ([String], Expr) -> Void) {
    func walk(_ e: Expr) {
        if let t = e.traversal {
            visit(t, e)
            return
        }
        switch e {
        case .literal, .identifier, .bad: break
        case .access(let v, _, _): walk(v)
        case .index(let v, _, let i, _): walk(v); walk(i)
        case .call(let v, _, let args, _): walk(v); args.forEach(walk)
        case .array(_, let items, _): items.forEach(walk)
        case .object(_, let fields, _): fields.forEach { walk($0.value) }
        case .unary(_, _, let v): walk(v)
        case .binary(_, _, let l, let r): walk(l); walk(r)
        case .paren(_, let inner, _): walk(inner)
        }
    }
    for s in body {
        switch s {
        case .attribute(let a): walk(a.value)
        case .block(let b): forEachTraversal(in: b.body, visit)
        }
    }
}
