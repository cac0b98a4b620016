import Codecs

/// A function argument: a value, or an expression reference (`&expr`) with the variables in scope where it was
/// written.
enum Argument: Sendable {
    case value(JSON)
    case expression(Node, Scope)

    var json: JSON {
        if case .value(let v) = self { return v }
        return .null
    }
}

/// The types a function's parameter accepts (go-jmespath's `JpType`).
enum ParameterType: Sendable, CustomStringConvertible {
    case number, string, array, object, arrayOfArrays, arrayOfNumbers, arrayOfStrings, expression, any

    func accepts(_ arg: Argument) -> Bool {
        guard case .value(let v) = arg else { return self == .expression }
        switch (self, v) {
        case (.any, _), (.number, .number), (.string, .string), (.array, .array), (.object, .object), (.arrayOfArrays, .array):
            return true
        case (.arrayOfNumbers, .array(let a)): return a.allSatisfy { if case .number = $0 { return true }; return false }
        case (.arrayOfStrings, .array(let a)): return a.allSatisfy { if case .string = $0 { return true }; return false }
        default: return false
        }
    }

    var description: String {
        switch self {
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        case .arrayOfArrays: return "array[array]"
        case .arrayOfNumbers: return "array[number]"
        case .arrayOfStrings: return "array[string]"
        case .expression: return "expref"
        case .any: return "any"
        }
    }
}

/// One parameter of a built-in function.
struct Parameter: Sendable {
    var types: [ParameterType]
    var optional = false
    var variadic = false
    init(_ types: ParameterType..., optional: Bool = false, variadic: Bool = false) {
        self.types = types
        self.optional = optional
        self.variadic = variadic
    }
}

/// A built-in function: its parameters and what it computes.
struct Function: Sendable {
    var parameters: [Parameter]
    var body: @Sendable ([Argument], Interpreter) throws(JMESPathError) -> JSON

    var minimumArguments: Int { parameters.filter { !$0.optional }.count }
    var maximumArguments: Int? { parameters.contains { $0.variadic } ? nil : parameters.count }

    /// Go-jmespath's arity message, when `count` arguments do not fit.
    func arityProblem(_ name: String, count: Int) -> String? {
        let variadic = maximumArguments == nil
        if count < minimumArguments {
            let supplied = count == 0 ? "none" : (variadic ? "only \(count)" : "\(count)")
            return "invalid arity, the function '\(name)' expects \(minimumArguments) argument\(minimumArguments > 1 ? "s" : "") \(variadic ? "or more " : "")but \(supplied) were supplied"
        }
        if let max = maximumArguments, count > max {
            return "invalid arity, the function '\(name)' expects at most \(max) arguments but \(count) were supplied"
        }
        return nil
    }
}

/// The function table: JMESPath's built-ins and the Community edition's additions, as go-jmespath defines them.
enum Functions {
    static func call(_ name: String, _ args: [Argument], _ interpreter: Interpreter) throws(JMESPathError) -> JSON {
        guard let f = table[name] else { throw JMESPathError("unknown function: \(name)()") }
        if let problem = f.arityProblem(name, count: args.count) { throw JMESPathError(problem) }
        for (i, arg) in args.enumerated() {
            let p = i < f.parameters.count ? f.parameters[i] : f.parameters[f.parameters.count - 1]
            guard p.types.contains(where: { $0.accepts(arg) }) else {
                let got: String
                if case .value(let v) = arg { got = v.jmesTypeName } else { got = "expref" }
                throw JMESPathError("invalid type for argument \(i + 1) of \(name)(): expected \(p.types.map(\.description).joined(separator: " or ")), got \(got)")
            }
        }
        return try f.body(args, interpreter)
    }

    static let table: [String: Function] = {
        var t: [String: Function] = [:]
        func add(_ name: String, _ parameters: [Parameter], _ body: @escaping @Sendable ([Argument], Interpreter) throws(JMESPathError) -> JSON) {
            t[name] = Function(parameters: parameters, body: body)
        }
        // Numbers
        add("abs", [Parameter(.number)]) { a, _ in .number(abs(a[0].json.numberValue!)) }
        add("ceil", [Parameter(.number)]) { a, _ in .number(a[0].json.numberValue!.rounded(.up)) }
        add("floor", [Parameter(.number)]) { a, _ in .number(a[0].json.numberValue!.rounded(.down)) }
        add("avg", [Parameter(.arrayOfNumbers)]) { a, _ in ArrayFunctions.average(a[0].json) }
        add("sum", [Parameter(.arrayOfNumbers)]) { a, _ in ArrayFunctions.sum(a[0].json) }
        add("max", [Parameter(.arrayOfNumbers, .arrayOfStrings)]) { a, _ in ArrayFunctions.extreme(a[0].json, greatest: true) }
        add("min", [Parameter(.arrayOfNumbers, .arrayOfStrings)]) { a, _ in ArrayFunctions.extreme(a[0].json, greatest: false) }
        // Arrays and objects
        add("contains", [Parameter(.array, .string), Parameter(.any)]) { a, _ in ArrayFunctions.contains(a[0].json, a[1].json) }
        add("length", [Parameter(.string, .array, .object)]) { a, _ in ArrayFunctions.length(a[0].json) }
        add("reverse", [Parameter(.array, .string)]) { a, _ in ArrayFunctions.reverse(a[0].json) }
        add("sort", [Parameter(.arrayOfStrings, .arrayOfNumbers)]) { a, _ in ArrayFunctions.sort(a[0].json) }
        add("sort_by", [Parameter(.array), Parameter(.expression)]) { a, i throws(JMESPathError) in try ArrayFunctions.sortBy(a, i) }
        add("max_by", [Parameter(.array), Parameter(.expression)]) { a, i throws(JMESPathError) in try ArrayFunctions.extremeBy(a, i, greatest: true) }
        add("min_by", [Parameter(.array), Parameter(.expression)]) { a, i throws(JMESPathError) in try ArrayFunctions.extremeBy(a, i, greatest: false) }
        add("group_by", [Parameter(.array), Parameter(.expression)]) { a, i throws(JMESPathError) in try ArrayFunctions.groupBy(a, i) }
        add("map", [Parameter(.expression), Parameter(.array)]) { a, i throws(JMESPathError) in try ArrayFunctions.map(a, i) }
        add("zip", [Parameter(.array), Parameter(.array, variadic: true)]) { a, _ in ArrayFunctions.zip(a.map(\.json)) }
        add("keys", [Parameter(.object)]) { a, _ in ObjectFunctions.keys(a[0].json) }
        add("values", [Parameter(.object)]) { a, _ in ObjectFunctions.values(a[0].json) }
        add("items", [Parameter(.object)]) { a, _ in ObjectFunctions.items(a[0].json) }
        add("from_items", [Parameter(.arrayOfArrays)]) { a, _ throws(JMESPathError) in try ObjectFunctions.fromItems(a[0].json) }
        add("merge", [Parameter(.object, variadic: true)]) { a, _ in ObjectFunctions.merge(a.map(\.json)) }
        // Types
        add("not_null", [Parameter(.any, variadic: true)]) { a, _ in a.map(\.json).first { if case .null = $0 { return false }; return true } ?? .null }
        add("to_array", [Parameter(.any)]) { a, _ in if case .array = a[0].json { return a[0].json }; return .array([a[0].json]) }
        add("to_number", [Parameter(.any)]) { a, _ in StringFunctions.toNumber(a[0].json) }
        add("to_string", [Parameter(.any)]) { a, _ in if case .string = a[0].json { return a[0].json }; return .string(a[0].json.goMarshalled) }
        add("type", [Parameter(.any)]) { a, _ in .string(a[0].json.jmesTypeName) }
        // Strings
        add("ends_with", [Parameter(.string), Parameter(.string)]) { a, _ in .bool(StringFunctions.bytes(a[0]).reversed().starts(with: StringFunctions.bytes(a[1]).reversed())) }
        add("starts_with", [Parameter(.string), Parameter(.string)]) { a, _ in .bool(StringFunctions.bytes(a[0]).starts(with: StringFunctions.bytes(a[1]))) }
        add("join", [Parameter(.string), Parameter(.arrayOfStrings)]) { a, _ in StringFunctions.join(a[0].json, a[1].json) }
        add("lower", [Parameter(.string)]) { a, _ in StringFunctions.mapCase(a[0], upper: false) }
        add("upper", [Parameter(.string)]) { a, _ in StringFunctions.mapCase(a[0], upper: true) }
        let find = [Parameter(.string), Parameter(.string), Parameter(.number, optional: true), Parameter(.number, optional: true)]
        add("find_first", find) { a, _ throws(JMESPathError) in try StringFunctions.find(a, last: false) }
        add("find_last", find) { a, _ throws(JMESPathError) in try StringFunctions.find(a, last: true) }
        let pad = [Parameter(.string), Parameter(.number), Parameter(.string, optional: true)]
        add("pad_left", pad) { a, _ throws(JMESPathError) in try StringFunctions.pad(a, left: true) }
        add("pad_right", pad) { a, _ throws(JMESPathError) in try StringFunctions.pad(a, left: false) }
        add("replace", [Parameter(.string), Parameter(.string), Parameter(.string), Parameter(.number, optional: true)]) { a, _ throws(JMESPathError) in
            try StringFunctions.replace(a)
        }
        add("split", [Parameter(.string), Parameter(.string), Parameter(.number, optional: true)]) { a, _ throws(JMESPathError) in
            try StringFunctions.split(a)
        }
        let trim = [Parameter(.string), Parameter(.string, optional: true)]
        add("trim", trim) { a, _ in StringFunctions.trim(a, leading: true, trailing: true) }
        add("trim_left", trim) { a, _ in StringFunctions.trim(a, leading: true, trailing: false) }
        add("trim_right", trim) { a, _ in StringFunctions.trim(a, leading: false, trailing: true) }
        return t
    }()
}
