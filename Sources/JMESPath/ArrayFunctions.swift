import Codecs

/// The functions over arrays (and `length`, `contains`, `reverse`, which also take strings).
enum ArrayFunctions {
    static func numbers(_ v: JSON) -> [Double] {
        guard case .array(let a) = v else { return [] }
        return a.compactMap(\.numberValue)
    }

    static func strings(_ v: JSON) -> [String]? {
        guard case .array(let a) = v else { return nil }
        var out: [String] = []
        for item in a {
            guard case .string(let s) = item else { return nil }
            out.append(s)
        }
        return out
    }

    static func average(_ v: JSON) -> JSON {
        let n = numbers(v)
        return n.isEmpty ? .null : .number(n.reduce(0, +) / Double(n.count))
    }

    static func sum(_ v: JSON) -> JSON { .number(numbers(v).reduce(0, +)) }

    static func extreme(_ v: JSON, greatest: Bool) -> JSON {
        guard case .array(let a) = v, let first = a.first else { return .null }
        if case .number = first {
            let n = numbers(v)
            return .number(greatest ? n.max()! : n.min()!)
        }
        let s = strings(v) ?? []
        return .string(s.dropFirst().reduce(s[0]) { best, x in (greatest ? goLess(best, x) : goLess(x, best)) ? x : best })
    }

    static func contains(_ subject: JSON, _ search: JSON) -> JSON {
        switch subject {
        case .string(let s):
            guard case .string(let t) = search else { return .bool(false) }
            return .bool(t.isEmpty || Array(s.utf8).firstRange(of: Array(t.utf8)) != nil)
        case .array(let a): return .bool(a.contains { $0.jmesEquals(search) })
        default: return .bool(false)
        }
    }

    static func length(_ v: JSON) -> JSON {
        switch v {
        case .string(let s): return .number(Double(s.unicodeScalars.count))
        case .array(let a): return .number(Double(a.count))
        case .object(let f): return .number(Double(JSON.uniqueFields(f).count))
        default: return .null
        }
    }

    static func reverse(_ v: JSON) -> JSON {
        switch v {
        case .string(let s):
            var out = String.UnicodeScalarView()
            out.append(contentsOf: s.unicodeScalars.reversed())
            return .string(String(out))
        case .array(let a): return .array(a.reversed())
        default: return .null
        }
    }

    static func sort(_ v: JSON) -> JSON {
        guard case .array(let a) = v, let first = a.first else { return .array([]) }
        if case .number = first { return .array(numbers(v).sorted().map { .number($0) }) }
        return .array((strings(v) ?? []).sorted(by: goLess).map { .string($0) })
    }

    /// The keys an expression reference gives each element, all numbers or all strings.
    private enum Keys { case numbers([Double]), strings([String]) }

    private static func keys(_ items: [JSON], _ expr: Argument, _ interpreter: Interpreter, _ name: String) throws(JMESPathError) -> Keys {
        guard case .expression(let node, let scope) = expr else { throw JMESPathError("\(name)() needs an expression reference") }
        var values: [JSON] = []
        for item in items { values.append(try interpreter.apply(node, scope, to: item)) }
        switch values.first {
        case .number?:
            var n: [Double] = []
            for v in values {
                guard let d = v.numberValue else { throw JMESPathError("invalid type in \(name)(): the expression must give numbers for every element") }
                n.append(d)
            }
            return .numbers(n)
        case .string?:
            var s: [String] = []
            for v in values {
                guard case .string(let t) = v else { throw JMESPathError("invalid type in \(name)(): the expression must give strings for every element") }
                s.append(t)
            }
            return .strings(s)
        default:
            throw JMESPathError("invalid type in \(name)(): the expression must give a number or a string")
        }
    }

    static func sortBy(_ a: [Argument], _ interpreter: Interpreter) throws(JMESPathError) -> JSON {
        guard case .array(let items) = a[0].json, items.count > 1 else { return a[0].json }
        let order: [Int]
        switch try keys(items, a[1], interpreter, "sort_by") {
        case .numbers(let k): order = items.indices.sorted { k[$0] < k[$1] || (k[$0] == k[$1] && $0 < $1) }
        case .strings(let k): order = items.indices.sorted { goLess(k[$0], k[$1]) || (k[$0] == k[$1] && $0 < $1) }
        }
        return .array(order.map { items[$0] })
    }

    static func extremeBy(_ a: [Argument], _ interpreter: Interpreter, greatest: Bool) throws(JMESPathError) -> JSON {
        guard case .array(let items) = a[0].json, let first = items.first else { return .null }
        if items.count == 1 { return first }
        var best = 0
        switch try keys(items, a[1], interpreter, greatest ? "max_by" : "min_by") {
        case .numbers(let k):
            for i in k.indices.dropFirst() where greatest ? k[i] > k[best] : k[i] < k[best] { best = i }
        case .strings(let k):
            for i in k.indices.dropFirst() where greatest ? goLess(k[best], k[i]) : goLess(k[i], k[best]) { best = i }
        }
        return items[best]
    }

    static func groupBy(_ a: [Argument], _ interpreter: Interpreter) throws(JMESPathError) -> JSON {
        guard case .array(let items) = a[0].json, !items.isEmpty, case .expression(let node, let scope) = a[1] else { return .null }
        var groups: [(String, JSON)] = []
        var position: [String: Int] = [:]
        var members: [[JSON]] = []
        for item in items {
            guard case .string(let key) = try interpreter.apply(node, scope, to: item) else {
                throw JMESPathError("invalid type in group_by(): the expression must evaluate to a string")
            }
            if let i = position[key] { members[i].append(item) } else {
                position[key] = members.count
                groups.append((key, .null))
                members.append([item])
            }
        }
        for i in groups.indices { groups[i].1 = .array(members[i]) }
        return .object(groups)
    }

    static func map(_ a: [Argument], _ interpreter: Interpreter) throws(JMESPathError) -> JSON {
        guard case .expression(let node, let scope) = a[0], case .array(let items) = a[1].json else { return .null }
        var out: [JSON] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try interpreter.apply(node, scope, to: item)) }
        return .array(out)
    }

    static func zip(_ arrays: [JSON]) -> JSON {
        let lists = arrays.map { if case .array(let a) = $0 { return a }; return [] }
        let n = lists.map(\.count).min() ?? 0
        return .array((0..<n).map { i in .array(lists.map { $0[i] }) })
    }
}

/// The functions over objects.
enum ObjectFunctions {
    static func fields(_ v: JSON) -> [(String, JSON)] {
        if case .object(let f) = v { return JSON.uniqueFields(f) }
        return []
    }

    static func keys(_ v: JSON) -> JSON { .array(fields(v).map { .string($0.0) }) }
    static func values(_ v: JSON) -> JSON { .array(fields(v).map(\.1)) }
    static func items(_ v: JSON) -> JSON { .array(fields(v).map { .array([.string($0.0), $0.1]) }) }

    static func fromItems(_ v: JSON) throws(JMESPathError) -> JSON {
        guard case .array(let pairs) = v else { throw JMESPathError("invalid type, from_items() needs an array of arrays") }
        var out: [(String, JSON)] = []
        for pair in pairs {
            guard case .array(let p) = pair else { throw JMESPathError("invalid type, from_items() needs an array of arrays") }
            guard p.count == 2, case .string(let key) = p[0] else {
                throw JMESPathError("invalid value, each array must contain two elements, a pair of string and value")
            }
            out.append((key, p[1]))
        }
        return .object(JSON.uniqueFields(out))
    }

    static func merge(_ objects: [JSON]) -> JSON {
        var all: [(String, JSON)] = []
        for o in objects { all += fields(o) }
        return .object(JSON.uniqueFields(all))
    }
}
