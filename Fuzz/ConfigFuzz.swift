// libFuzzer target for the configuration language: scanning, parsing, formatting and evaluating arbitrary
// bytes must never crash. Built and run by Fuzz/run.sh (Codecs, Syntax and Evaluation sources compiled in).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let source = SourceFile(name: "fuzz.alloy", bytes: bytes)
    guard let file = try? Parser.parse(source) else { return 0 }
    // Formatting a parsed file always succeeds; the output either parses again or is one of Alloy's own
    // non-round-tripping quirks (an empty call split over lines becomes `f(,`).
    let formatted = Formatter.format(file)
    if let again = try? Parser.parse(SourceFile(name: "again.alloy", text: formatted)) {
        _ = Formatter.format(again)
    }
    let evaluator = Evaluator(source: source, allowExperimental: true)
    func visit(_ body: [Statement]) {
        for s in body {
            switch s {
            case .attribute(let a): _ = try? evaluator.evaluate(a.value)
            case .block(let b): visit(b.body)
            }
        }
    }
    visit(file.body)
    return 0
}
