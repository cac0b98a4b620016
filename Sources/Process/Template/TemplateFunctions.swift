import Codecs
import LogCore
import RE2

/// The functions templates can call: Go's built-ins, the ones Alloy adds (`ToLower`, `ToUpper`, `Replace`,
/// `Trim*`, `Hash`, `Sha2Hash`, `regexReplaceAll`, `regexReplaceAllLiteral`) and the common Sprig string functions.
enum TemplateFunctions {
    typealias Fn = @Sendable ([TValue]) throws -> TValue

    static func call(_ name: String, _ args: [TValue]) throws -> TValue {
        guard let f = table[name] else { throw TemplateError(message: "function \"\(name)\" not defined") }
        return try f(args)
    }

    private static func arity(_ args: [TValue], _ n: Int, _ name: String) throws {
        if args.count != n { throw TemplateError(message: "wrong number of args for \(name): want \(n) got \(args.count)") }
    }

    private static func str(_ f: @escaping @Sendable (String) -> String, _ name: String) -> Fn {
        { args in try arity(args, 1, name); return .string(f(args[0].string)) }
    }

    private static func str2(_ f: @escaping @Sendable (String, String) -> String, _ name: String) -> Fn {
        { args in try arity(args, 2, name); return .string(f(args[0].string, args[1].string)) }
    }

    static func compare(_ a: TValue, _ b: TValue) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : 1
        case (.missing, .missing), (.null, .null), (.missing, .null), (.null, .missing): return 0
        default: return nil
        }
    }

    private static func trimSet(_ s: String, _ cut: String, left: Bool, right: Bool) -> String {
        let set = Set(cut.unicodeScalars)
        var scalars = Array(s.unicodeScalars)
        if left { while let f = scalars.first, set.contains(f) { scalars.removeFirst() } }
        if right { while let l = scalars.last, set.contains(l) { scalars.removeLast() } }
        var v = String.UnicodeScalarView()
        v.append(contentsOf: scalars)
        return String(v)
    }

    private static func replaceAll(_ s: String, _ old: String, _ new: String, limit: Int) -> String {
        if old.isEmpty || limit == 0 { return s }
        var out = ""
        var rest = Substring(s)
        var n = 0
        while let r = rest.firstRange(of: old), limit < 0 || n < limit {
            out += rest[..<r.lowerBound] + new
            rest = rest[r.upperBound...]
            n += 1
        }
        return out + rest
    }

    private static func regexReplace(_ args: [TValue], literal: Bool) throws -> TValue {
        try arity(args, 3, literal ? "regexReplaceAllLiteral" : "regexReplaceAll")
        let re: RE2
        do { re = try RE2(args[0].string) } catch { throw TemplateError(message: "\(error)") }
        var source = args[1].string
        let template = args[2].string
        var out: [UInt8] = []
        source.withUTF8 { buf in
            let raw = UnsafeRawBufferPointer(buf)
            var last = 0
            for m in re.allMatches(raw) {
                let whole = m[0]!
                out += raw[last..<whole.lowerBound]
                if literal { out += Array(template.utf8) } else { re.expand(template, source: raw, groups: m, into: &out) }
                last = whole.upperBound
            }
            out += raw[last...]
        }
        return .string(String(decoding: out, as: UTF8.self))
    }

    static let table: [String: Fn] = [
        // Go built-ins.
        "eq": { a in
            guard a.count >= 2 else { throw TemplateError(message: "missing argument for comparison") }
            return .bool(a.dropFirst().contains { compare(a[0], $0) == 0 })
        },
        "ne": { a in try arity(a, 2, "ne"); return .bool(compare(a[0], a[1]) != 0) },
        "lt": { a in try arity(a, 2, "lt"); guard let c = compare(a[0], a[1]) else { throw TemplateError(message: "incompatible types for comparison") }; return .bool(c < 0) },
        "le": { a in try arity(a, 2, "le"); guard let c = compare(a[0], a[1]) else { throw TemplateError(message: "incompatible types for comparison") }; return .bool(c <= 0) },
        "gt": { a in try arity(a, 2, "gt"); guard let c = compare(a[0], a[1]) else { throw TemplateError(message: "incompatible types for comparison") }; return .bool(c > 0) },
        "ge": { a in try arity(a, 2, "ge"); guard let c = compare(a[0], a[1]) else { throw TemplateError(message: "incompatible types for comparison") }; return .bool(c >= 0) },
        "and": { a in a.first { !$0.truthy } ?? a.last ?? .null },
        "or": { a in a.first { $0.truthy } ?? a.last ?? .null },
        "not": { a in try arity(a, 1, "not"); return .bool(!a[0].truthy) },
        "len": { a in
            try arity(a, 1, "len")
            switch a[0] {
            case .string(let s): return .number(Double(s.utf8.count))
            case .list(let l): return .number(Double(l.count))
            case .map(let m): return .number(Double(m.count))
            default: throw TemplateError(message: "len of \(a[0].text)")
            }
        },
        "index": { a in
            guard a.count >= 2 else { throw TemplateError(message: "index needs arguments") }
            var cur = a[0]
            for k in a.dropFirst() {
                switch (cur, k) {
                case (.map(let m), _): cur = m[k.string] ?? .missing
                case (.list(let l), .number(let n)):
                    guard Int(n) >= 0, Int(n) < l.count else { throw TemplateError(message: "index out of range") }
                    cur = l[Int(n)]
                default: throw TemplateError(message: "can't index \(cur.text)")
                }
            }
            return cur
        },
        "print": { a in .string(a.map(\.text).joined()) },
        "println": { a in .string(a.map(\.text).joined(separator: " ") + "\n") },
        "printf": { a in
            guard let f = a.first else { throw TemplateError(message: "printf needs a format") }
            return .string(simplePrintf(f.string, Array(a.dropFirst())))
        },
        "urlquery": { a in .string(URLQuery.escape(a.map(\.string).joined())) },

        // Alloy's functions.
        "ToLower": str({ $0.lowercased() }, "ToLower"),
        "ToUpper": str({ $0.uppercased() }, "ToUpper"),
        "TrimSpace": str({ $0.trimming(" \t\n\r\u{0B}\u{0C}") }, "TrimSpace"),
        "Trim": str2({ trimSet($0, $1, left: true, right: true) }, "Trim"),
        "TrimLeft": str2({ trimSet($0, $1, left: true, right: false) }, "TrimLeft"),
        "TrimRight": str2({ trimSet($0, $1, left: false, right: true) }, "TrimRight"),
        "TrimPrefix": str2({ $0.hasPrefix($1) ? String($0.dropFirst($1.count)) : $0 }, "TrimPrefix"),
        "TrimSuffix": str2({ $0.hasSuffix($1) ? String($0.dropLast($1.count)) : $0 }, "TrimSuffix"),
        "Replace": { a in
            try arity(a, 4, "Replace")
            guard case .number(let n) = a[3] else { throw TemplateError(message: "Replace: n must be a number") }
            return .string(replaceAll(a[0].string, a[1].string, a[2].string, limit: Int(n)))
        },
        "Hash": { a in try arity(a, 2, "Hash"); return .string(Digests.hex(Digests.sha3_256(Array((a[0].string + a[1].string).utf8)))) },
        "Sha2Hash": { a in try arity(a, 2, "Sha2Hash"); return .string(Digests.hex(Digests.sha256(Array((a[0].string + a[1].string).utf8)))) },
        "regexReplaceAll": { a in try regexReplace(a, literal: false) },
        "regexReplaceAllLiteral": { a in try regexReplace(a, literal: true) },

        // Sprig string functions (the argument order is Sprig's: the piped string comes last).
        "lower": str({ $0.lowercased() }, "lower"),
        "upper": str({ $0.uppercased() }, "upper"),
        "title": str({ $0.split(separator: " ", omittingEmptySubsequences: false).map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ") }, "title"),
        "trim": str({ $0.trimming(" \t\n\r") }, "trim"),
        "trimAll": str2({ trimSet($1, $0, left: true, right: true) }, "trimAll"),
        "trimPrefix": str2({ $1.hasPrefix($0) ? String($1.dropFirst($0.count)) : $1 }, "trimPrefix"),
        "trimSuffix": str2({ $1.hasSuffix($0) ? String($1.dropLast($0.count)) : $1 }, "trimSuffix"),
        "replace": { a in try arity(a, 3, "replace"); return .string(replaceAll(a[2].string, a[0].string, a[1].string, limit: -1)) },
        "contains": { a in try arity(a, 2, "contains"); return .bool(a[1].string.firstRange(of: a[0].string) != nil || a[0].string.isEmpty) },
        "hasPrefix": { a in try arity(a, 2, "hasPrefix"); return .bool(a[1].string.hasPrefix(a[0].string)) },
        "hasSuffix": { a in try arity(a, 2, "hasSuffix"); return .bool(a[1].string.hasSuffix(a[0].string)) },
        "repeat": { a in
            try arity(a, 2, "repeat")
            guard case .number(let n) = a[0] else { throw TemplateError(message: "repeat: count must be a number") }
            return .string(String(repeating: a[1].string, count: max(0, Int(n))))
        },
        "trunc": { a in
            try arity(a, 2, "trunc")
            guard case .number(let n) = a[0] else { throw TemplateError(message: "trunc: length must be a number") }
            let s = a[1].string
            return .string(n >= 0 ? String(s.prefix(Int(n))) : String(s.suffix(Int(-n))))
        },
        "substr": { a in
            try arity(a, 3, "substr")
            guard case .number(let start) = a[0], case .number(let end) = a[1] else { throw TemplateError(message: "substr: bounds must be numbers") }
            let chars = Array(a[2].string)
            let s = max(0, min(Int(start), chars.count)), e = end < 0 ? chars.count : max(s, min(Int(end), chars.count))
            return .string(String(chars[s..<e]))
        },
        "default": { a in try arity(a, 2, "default"); return a[1].truthy ? a[1] : a[0] },
        "empty": { a in try arity(a, 1, "empty"); return .bool(!a[0].truthy) },
        "quote": { a in .string(a.map { "\"" + $0.string.replacingOccurrences("\"", "\\\"") + "\"" }.joined(separator: " ")) },
        "squote": { a in .string(a.map { "'" + $0.string + "'" }.joined(separator: " ")) },
        "cat": { a in .string(a.filter { if case .missing = $0 { return false }; if case .null = $0 { return false }; return true }.map(\.text).joined(separator: " ")) },
        "nospace": str({ String($0.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init)) }, "nospace"),
        "toString": { a in try arity(a, 1, "toString"); return .string(a[0].string) },
        "split": { a in
            try arity(a, 2, "split")
            let parts = a[1].string.components(separatedBy: a[0].string)
            var m: [String: TValue] = [:]
            for (i, p) in parts.enumerated() { m["_\(i)"] = .string(p) }
            return .map(m)
        },
        "splitList": { a in try arity(a, 2, "splitList"); return .list(a[1].string.components(separatedBy: a[0].string).map { .string($0) }) },
        "join": { a in
            try arity(a, 2, "join")
            guard case .list(let l) = a[1] else { return .string(a[1].string) }
            return .string(l.map(\.string).joined(separator: a[0].string))
        },
        "sha256sum": str({ Digests.hex(Digests.sha256(Array($0.utf8))) }, "sha256sum"),
        "b64enc": str({ Base64.encode(Array($0.utf8)) }, "b64enc"),
        "regexMatch": { a in
            try arity(a, 2, "regexMatch")
            do { return .bool(try RE2(a[0].string).matches(a[1].string)) } catch { throw TemplateError(message: "\(error)") }
        },
        "regexFind": { a in
            try arity(a, 2, "regexFind")
            do { return .string((try RE2(a[0].string).firstMatch(a[1].string)?.first ?? nil) ?? "") } catch { throw TemplateError(message: "\(error)") }
        },
    ]

    /// `printf` for `%s`, `%d`, `%v`, `%q`, `%%` (what log templates use).
    static func simplePrintf(_ f: String, _ args: [TValue]) -> String {
        var out = ""
        var it = args.makeIterator()
        var chars = Array(f).makeIterator()
        while let c = chars.next() {
            guard c == "%" else { out.append(c); continue }
            guard let v = chars.next() else { out.append("%"); break }
            switch v {
            case "%": out.append("%")
            case "q": out += "\"" + (it.next()?.string ?? "") + "\""
            case "d":
                if case .number(let n)? = it.next() { out += String(Int(n)) } else { out += "%!d(BADTYPE)" }
            default: out += it.next()?.text ?? "%!\(v)(MISSING)"
            }
        }
        return out
    }
}

extension String {
    func components(separatedBy sep: String) -> [String] {
        if sep.isEmpty { return map(String.init) }
        var out: [String] = []
        var rest = Substring(self)
        while let r = rest.firstRange(of: sep) {
            out.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        out.append(String(rest))
        return out
    }

    func replacingOccurrences(_ a: String, _ b: String) -> String { components(separatedBy: a).joined(separator: b) }
}
