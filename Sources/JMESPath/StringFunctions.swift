import Codecs

/// The functions over strings. Offsets and widths count bytes of UTF-8, as go-jmespath's do (`find_first`,
/// `pad_left`); `length`, `reverse` and slices count code points.
enum StringFunctions {
    static func string(_ a: Argument) -> String {
        if case .value(.string(let s)) = a { return s }
        return ""
    }

    static func bytes(_ a: Argument) -> [UInt8] { Array(string(a).utf8) }

    static func join(_ glue: JSON, _ list: JSON) -> JSON {
        guard case .string(let g) = glue else { return .null }
        return .string((ArrayFunctions.strings(list) ?? []).joined(separator: g))
    }

    /// Go's `strings.ToLower`/`ToUpper`: each code point mapped on its own; one whose mapping takes several code
    /// points (`ß` → `SS`) is left as it is, as Go's one-to-one mapping leaves it.
    static func mapCase(_ a: Argument, upper: Bool) -> JSON {
        let s = string(a)
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return .string(upper ? s.uppercased() : s.lowercased()) }
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            let mapped = upper ? c.properties.uppercaseMapping : c.properties.lowercaseMapping
            let scalars = mapped.unicodeScalars
            if scalars.count == 1 { out.append(scalars.first!) } else { out.append(c) }
        }
        return .string(String(out))
    }

    /// `to_number`: numbers as they are, strings read as Go's `strconv.ParseFloat` reads them, anything else null.
    static func toNumber(_ v: JSON) -> JSON {
        switch v {
        case .number: return v
        case .string(let s): return GoFloat.parse(s).map { .number($0) } ?? .null
        default: return .null
        }
    }

    static func integer(_ a: Argument, _ function: String, _ name: String, nonNegative: Bool) throws(JMESPathError) -> Int {
        guard let n = a.json.integerValue, !nonNegative || n >= 0 else {
            if nonNegative {
                throw JMESPathError("invalid value, the function '\(function)' expects its '\(name)' argument to be a an integer value greater than or equal to zero.")
            }
            throw JMESPathError("invalid value, the function '\(function)' expects its '\(name)' argument to be an integer.")
        }
        return n
    }

    static func find(_ a: [Argument], last: Bool) throws(JMESPathError) -> JSON {
        let name = last ? "find_last" : "find_first"
        let subject = bytes(a[0]), needle = bytes(a[1])
        if subject.isEmpty || needle.isEmpty { return .null }
        let start = a.count > 2 ? max(0, try integer(a[2], name, "start", nonNegative: false)) : 0
        let end = a.count > 3 ? min(try integer(a[3], name, "end", nonNegative: false), subject.count) : subject.count
        guard start <= end, start <= subject.count else { return .null }
        let n = needle.count
        guard end - start >= n else { return .null }
        // Every start position, so that overlapping matches count (Go's LastIndex of "aa" in "aaa" is 1).
        let starts = start...(end - n)
        let matches: (Int) -> Bool = { subject[$0..<$0 + n].elementsEqual(needle) }
        let found = last ? starts.reversed().first(where: matches) : starts.first(where: matches)
        return found.map { .number(Double($0)) } ?? .null
    }

    static func pad(_ a: [Argument], left: Bool) throws(JMESPathError) -> JSON {
        let s = string(a[0])
        let width = try integer(a[1], left ? "pad_left" : "pad_right", "width", nonNegative: true)
        let padding = a.count > 2 ? string(a[2]) : " "
        guard padding.utf8.count <= 1 else {
            throw JMESPathError("invalid value, the function '\(left ? "pad_left" : "pad_right")' expects its 'pad' argument to be a string of length 1")
        }
        let fill = String(repeating: padding, count: max(0, width - s.utf8.count))
        return .string(left ? fill + s : s + fill)
    }

    /// Go's `strings.Replace`: at most `count` replacements (all without one); an empty `old` matches before each
    /// code point and at the end.
    static func replace(_ a: [Argument]) throws(JMESPathError) -> JSON {
        let subject = bytes(a[0]), old = bytes(a[1]), new = bytes(a[2])
        var limit = a.count > 3 ? try integer(a[3], "replace", "count", nonNegative: true) : Int.max
        if old == new || limit == 0 { return a[0].json }
        var out: [UInt8] = []
        var i = 0
        if old.isEmpty {
            out += new
            limit -= 1
            while i < subject.count {
                let width = max(1, UTF8Bytes.sequenceLength(subject, i))
                out += subject[i..<min(subject.count, i + width)]
                i += width
                if limit > 0 { out += new; limit -= 1 }
            }
            return .string(String(decoding: out, as: UTF8.self))
        }
        while limit > 0, let r = subject[i...].firstRange(of: old) {
            out += subject[i..<r.lowerBound]
            out += new
            i = r.upperBound
            limit -= 1
        }
        out += subject[i...]
        return .string(String(decoding: out, as: UTF8.self))
    }

    /// Go's `strings.SplitN(s, sep, count + 1)` (all pieces without a count); an empty separator splits into code
    /// points; an empty string gives [].
    static func split(_ a: [Argument]) throws(JMESPathError) -> JSON {
        let s = bytes(a[0]), sep = bytes(a[1])
        if s.isEmpty { return .array([]) }
        var pieces = Int.max
        if a.count > 2 {
            let n = try integer(a[2], "split", "count", nonNegative: true)
            if n == 0 { return .array([a[0].json]) }
            pieces = n + 1
        }
        var out: [JSON] = []
        func add(_ piece: ArraySlice<UInt8>) { out.append(.string(String(decoding: piece, as: UTF8.self))) }
        var i = 0
        if sep.isEmpty {
            while i < s.count {
                if out.count == pieces - 1 { add(s[i...]); return .array(out) }
                let width = max(1, UTF8Bytes.sequenceLength(s, i))
                add(s[i..<min(s.count, i + width)])
                i += width
            }
            return .array(out)
        }
        while out.count < pieces - 1, let r = s[i...].firstRange(of: sep) {
            add(s[i..<r.lowerBound])
            i = r.upperBound
        }
        add(s[i...])
        return .array(out)
    }

    /// Go's `strings.Trim` family: the code points in `chars`, or white space (Unicode's White_Space) without it.
    static func trim(_ a: [Argument], leading: Bool, trailing: Bool) -> JSON {
        let s = string(a[0])
        let chars = a.count > 1 ? string(a[1]) : ""
        let cut: (Unicode.Scalar) -> Bool = chars.isEmpty ? { $0.properties.isWhitespace } : { c in chars.unicodeScalars.contains(c) }
        var scalars = s.unicodeScalars[...]
        if leading { while let f = scalars.first, cut(f) { scalars.removeFirst() } }
        if trailing { while let l = scalars.last, cut(l) { scalars.removeLast() } }
        return .string(String(scalars))
    }
}
