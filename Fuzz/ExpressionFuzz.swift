// libFuzzer target for the expression evaluator and the standard library: the first byte picks a function, the
// rest are its arguments (split at 0xFF; 0xFE starts an integer, 0xFD raw expression text, anything else a string
// literal of those bytes). Every call must end — with a value or an error — in bounded time and memory; run with
// -timeout and -rss_limit_mb (Fuzz/run.sh expression) so a slow or huge case is a finding.

/// Every function of the standard library, by its full name (`encoding.from_yaml`, `string.format`, …).
let stdlibFunctions: [String] = {
    var names: [String] = []
    func walk(_ prefix: String, _ v: Value) {
        switch v {
        case .function: names.append(prefix)
        case .object(let fields): for (k, f) in fields { walk(prefix.isEmpty ? k : prefix + "." + k, f) }
        default: break
        }
    }
    for (k, v) in Stdlib.root { walk(k, v) }
    return names.filter { $0 != "sys.env" && $0 != "env" }.sorted()
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let first = bytes.first, !stdlibFunctions.isEmpty else { return 0 }
    let name = stdlibFunctions[Int(first) % stdlibFunctions.count]
    var args: [String] = []
    for part in bytes.dropFirst().split(separator: 0xFF, omittingEmptySubsequences: false).prefix(8) {
        switch part.first {
        case 0xFE: args.append(String(part.dropFirst().prefix(8).reduce(Int64(0)) { $0 &* 256 &+ Int64($1) }))
        case 0xFD: args.append(String(decoding: part.dropFirst(), as: UTF8.self))
        default: args.append(GoQuote.quoted(bytes: Array(part)))
        }
    }
    _ = try? Evaluator.evaluate(name + "(" + args.joined(separator: ", ") + ")", allowExperimental: true)
    return 0
}
