import Codecs
import Syntax
#if canImport(Glibc)
import Glibc
#endif

/// Alloy's standard library: namespaces are objects whose fields are functions (alloy-syntax.md §4).
public enum Stdlib {
    /// Deprecated top-level names, each an alias of a namespaced function.
    public static let deprecated: Set<String> = [
        "env", "nonsensitive", "concat", "json_decode", "yaml_decode", "base64_decode", "format", "join",
        "replace", "split", "to_lower", "to_upper", "trim", "trim_prefix", "trim_suffix", "trim_space",
    ]
    /// Functions that need `--stability.level=experimental`.
    public static let experimental: Set<String> = ["array.combine_maps", "array.group_by"]

    /// The identifiers the standard library defines.
    public static let root: [String: Value] = build()

    /// The version reported by `constants.version`.
    nonisolated(unsafe) public static var version = "v0.0.0"

    private static func build() -> [String: Value] {
        let concat = fn("array.concat", .atLeast(0)) { args throws(ValueError) in
            var out: [Value] = []
            for (i, a) in args.enumerated() {
                guard case .array(let items) = a else {
                    throw ValueError("should be array, got \(a.typeName)", argument: i)
                }
                out.append(contentsOf: items)
            }
            return .array(out)
        }
        let nonsensitive = fn("convert.nonsensitive", .exactly(1)) { args throws(ValueError) in
            switch args[0] {
            case .capsule(let s as Secret): return .string(s.value)
            case .string(let s): return .string(s)
            default: throw ValueError("should be capsule(\"secret\"), got \(args[0].typeName)", argument: 0)
            }
        }
        let env = fn("sys.env", .exactly(1)) { args throws(ValueError) in
            let name = try str(args, 0)
            guard let p = getenv(name) else { return .string("") }
            return .string(String(cString: p))
        }
        let fromJSON = fn("encoding.from_json", .exactly(1)) { args throws(ValueError) in
            do throws(ValueError) { return try JSONValue.decode(Array(try str(args, 0).utf8)) } catch { throw ValueError(error.message, argument: 0) }
        }
        let fromYAML = fn("encoding.from_yaml", .exactly(1)) { args throws(ValueError) in
            do throws(ValueError) { return try YAMLValue.decode(try str(args, 0)) } catch { throw ValueError(error.message, argument: 0) }
        }
        let fromBase64 = fn("encoding.from_base64", .exactly(1)) { args throws(ValueError) in
            guard let b = Base64.decode(try str(args, 0)) else {
                throw ValueError("illegal base64 data", argument: 0)
            }
            return .string(String(decoding: b, as: UTF8.self))
        }
        let format = fn("string.format", .atLeast(1)) { args throws(ValueError) in
            .string(try GoFormat.sprintf(try str(args, 0), Array(args.dropFirst())))
        }
        let join = fn("string.join", .exactly(2)) { args throws(ValueError) in
            guard case .array(let items) = args[0] else {
                throw ValueError("should be array, got \(args[0].typeName)", argument: 0)
            }
            var parts: [String] = []
            for (i, v) in items.enumerated() {
                do throws(ValueError) { parts.append(try toStringValue(v)) } catch {
                    throw ValueError(error.message, path: "[\(i)]", argument: 0)
                }
            }
            return .string(parts.joined(separator: try str(args, 1)))
        }
        let replace = fn("string.replace", .exactly(3)) { args throws(ValueError) in
            .string(replaceAll(try str(args, 0), try str(args, 1), try str(args, 2)))
        }
        let split = fn("string.split", .exactly(2)) { args throws(ValueError) in
            .array(splitString(try str(args, 0), try str(args, 1)).map { .string($0) })
        }
        let toLower = fn("string.to_lower", .exactly(1)) { args throws(ValueError) in .string(try str(args, 0).lowercased()) }
        let toUpper = fn("string.to_upper", .exactly(1)) { args throws(ValueError) in .string(try str(args, 0).uppercased()) }
        let trim = fn("string.trim", .exactly(2)) { args throws(ValueError) in
            let cut = Set(try str(args, 1).unicodeScalars)
            return .string(try str(args, 0).trimming { cut.contains($0) })
        }
        let trimPrefix = fn("string.trim_prefix", .exactly(2)) { args throws(ValueError) in
            let s = try str(args, 0), p = try str(args, 1)
            return .string(s.utf8.starts(with: p.utf8) ? String(decoding: Array(s.utf8).dropFirst(p.utf8.count), as: UTF8.self) : s)
        }
        let trimSuffix = fn("string.trim_suffix", .exactly(2)) { args throws(ValueError) in
            let s = try str(args, 0), p = try str(args, 1)
            return .string(Array(s.utf8).reversed().starts(with: Array(p.utf8).reversed())
                ? String(decoding: Array(s.utf8).dropLast(p.utf8.count), as: UTF8.self) : s)
        }
        let trimSpace = fn("string.trim_space", .exactly(1)) { args throws(ValueError) in
            .string(try str(args, 0).trimming { $0.properties.isWhitespace })
        }

        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, 255)
        let hostname = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #if arch(x86_64)
        let arch = "amd64"
        #elseif arch(arm64)
        let arch = "arm64"
        #else
        let arch = "unknown"
        #endif

        return [
            "array": .object([
                "concat": concat,
                "combine_maps": fn("array.combine_maps", .atLeast(3)) { args throws(ValueError) in try combineMaps(args) },
                "group_by": fn("array.group_by", .exactly(3)) { args throws(ValueError) in try groupBy(args) },
            ]),
            "coalesce": fn("coalesce", .atLeast(0)) { args throws(ValueError) in
                for a in args where !a.isZeroOrEmpty { return a }
                return args.last ?? .null
            },
            "constants": .object([
                "hostname": .string(hostname), "os": .string("linux"), "arch": .string(arch),
                "version": .string(version),
            ]),
            "convert": .object(["nonsensitive": nonsensitive]),
            "encoding": .object([
                "from_base64": fromBase64,
                "from_URLbase64": fn("encoding.from_URLbase64", .exactly(1)) { args throws(ValueError) in
                    guard let b = Base64.decode(try str(args, 0), alphabet: .urlSafe) else {
                        throw ValueError("illegal base64 data", argument: 0)
                    }
                    return .string(String(decoding: b, as: UTF8.self))
                },
                "to_base64": fn("encoding.to_base64", .exactly(1)) { args throws(ValueError) in
                    .string(Base64.encode(Array(try str(args, 0).utf8)))
                },
                "to_URLbase64": fn("encoding.to_URLbase64", .exactly(1)) { args throws(ValueError) in
                    .string(Base64.encode(Array(try str(args, 0).utf8), alphabet: .urlSafe))
                },
                "url_encode": fn("encoding.url_encode", .exactly(1)) { args throws(ValueError) in
                    .string(URLQuery.escape(try str(args, 0)))
                },
                "url_decode": fn("encoding.url_decode", .exactly(1)) { args throws(ValueError) in
                    guard let s = URLQuery.unescape(try str(args, 0)) else {
                        throw ValueError("invalid URL escape", argument: 0)
                    }
                    return .string(s)
                },
                "from_json": fromJSON,
                "from_yaml": fromYAML,
                "to_json": fn("encoding.to_json", .exactly(1)) { args throws(ValueError) in
                    guard case .object = args[0] else { throw ValueError("jsonEncode only supports map") }
                    return .string(JSONValue.encode(args[0]))
                },
            ]),
            "file": .object(["path_join": fn("file.path_join", .atLeast(0)) { args throws(ValueError) in
                var parts: [String] = []
                for i in args.indices { parts.append(try str(args, i)) }
                return .string(PathClean.join(parts))
            }]),
            "json_path": fn("json_path", .exactly(2)) { args throws(ValueError) in
                let doc: Value
                do throws(ValueError) { doc = try JSONValue.decode(Array(try str(args, 0).utf8)) } catch { throw ValueError(error.message, argument: 0) }
                return .array(try JSONPath.query(doc, try str(args, 1)))
            },
            "string": .object([
                "format": format, "join": join, "replace": replace, "split": split,
                "to_lower": toLower, "to_upper": toUpper, "trim": trim, "trim_prefix": trimPrefix,
                "trim_suffix": trimSuffix, "trim_space": trimSpace,
            ]),
            "sys": .object(["env": env]),
            // Deprecated aliases.
            "env": env, "nonsensitive": nonsensitive, "concat": concat, "json_decode": fromJSON,
            "yaml_decode": fromYAML, "base64_decode": fromBase64, "format": format, "join": join,
            "replace": replace, "split": split, "to_lower": toLower, "to_upper": toUpper, "trim": trim,
            "trim_prefix": trimPrefix, "trim_suffix": trimSuffix, "trim_space": trimSpace,
        ]
    }

    private static func fn(_ name: String, _ arity: Function.Arity,
                           _ body: @escaping @Sendable ([Value]) throws(ValueError) -> Value) -> Value {
        .function(Function(name, arity, body))
    }
}

/// Converts argument `i` to a string as assignment does (numbers become their text).
func str(_ args: [Value], _ i: Int) throws(ValueError) -> String {
    do throws(ValueError) { return try toStringValue(args[i]) } catch { throw ValueError(error.message, argument: i) }
}

/// Assignment conversion to string (§3.5): strings as they are, numbers as text, null as "".
public func toStringValue(_ v: Value) throws(ValueError) -> String {
    switch v {
    case .string(let s): return s
    case .number(let n): return n.text
    case .null: return ""
    default: throw ValueError("should be string, got \(v.typeName)")
    }
}

func replaceAll(_ s: String, _ old: String, _ new: String) -> String {
    let sb = Array(s.utf8), ob = Array(old.utf8), nb = Array(new.utf8)
    if ob.isEmpty {
        // Go inserts `new` before every UTF-8 sequence and at the end.
        var out: [UInt8] = nb
        for ch in s.unicodeScalars { out += Array(String(ch).utf8); out += nb }
        return String(decoding: out, as: UTF8.self)
    }
    var out: [UInt8] = []
    var i = 0
    while i < sb.count {
        if i + ob.count <= sb.count && sb[i..<i + ob.count].elementsEqual(ob) {
            out += nb
            i += ob.count
        } else {
            out.append(sb[i])
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

func splitString(_ s: String, _ sep: String) -> [String] {
    if sep.isEmpty { return s.unicodeScalars.map { String($0) } }
    let sb = Array(s.utf8), pb = Array(sep.utf8)
    var parts: [String] = []
    var start = 0, i = 0
    while i + pb.count <= sb.count {
        if sb[i..<i + pb.count].elementsEqual(pb) {
            parts.append(String(decoding: sb[start..<i], as: UTF8.self))
            i += pb.count
            start = i
        } else {
            i += 1
        }
    }
    parts.append(String(decoding: sb[start...], as: UTF8.self))
    return parts
}


private func combineMaps(_ args: [Value]) throws(ValueError) -> Value {
    guard args.count <= 4 else { throw ValueError("expected at most 4 args, got \(args.count)") }
    guard case .array(let left) = args[0] else { throw ValueError("should be array, got \(args[0].typeName)", argument: 0) }
    guard case .array(let right) = args[1] else { throw ValueError("should be array, got \(args[1].typeName)", argument: 1) }
    guard case .array(let keyValues) = args[2] else { throw ValueError("should be array, got \(args[2].typeName)", argument: 2) }
    var keys: [String] = []
    for k in keyValues { keys.append(try toStringValue(k)) }
    if keys.isEmpty { throw ValueError("combine_maps: merge conditions must not be empty", argument: 2) }
    var keepLeft = false
    if args.count == 4 {
        guard case .bool(let b) = args[3] else { throw ValueError("should be bool, got \(args[3].typeName)", argument: 3) }
        keepLeft = b
    }
    var out: [Value] = []
    for l in left {
        guard case .object(let lo) = l else { throw ValueError("should be object, got \(l.typeName)", argument: 0) }
        for r in right {
            guard case .object(let ro) = r else { throw ValueError("should be object, got \(r.typeName)", argument: 1) }
            let match = keys.allSatisfy { k in
                if let a = lo[k], let b = ro[k] { return a.equals(b) }
                return false
            }
            if match {
                out.append(.object(lo.merging(ro) { _, new in new }))
            } else if keepLeft {
                out.append(l)
            }
        }
    }
    return .array(out)
}

private func groupBy(_ args: [Value]) throws(ValueError) -> Value {
    guard case .array(let items) = args[0] else { throw ValueError("should be array, got \(args[0].typeName)", argument: 0) }
    let key = try str(args, 1)
    guard case .bool(let drop) = args[2] else { throw ValueError("should be bool, got \(args[2].typeName)", argument: 2) }
    var order: [String] = []
    var groups: [String: [Value]] = [:]
    for item in items {
        guard case .object(let o) = item else { throw ValueError("should be object, got \(item.typeName)", argument: 0) }
        var g = ""
        if let v = o[key] {
            guard case .string(let s) = v else { throw ValueError("group_by: value of \(key) should be string, got \(v.typeName)") }
            g = s
        } else if drop {
            continue
        }
        if groups[g] == nil { order.append(g) }
        groups[g, default: []].append(item)
    }
    return .array(order.map { .object([key: .string($0), "items": .array(groups[$0]!)]) })
}
