import CYaml

/// Checks a YAML text before it is composed: nesting depth and the number of nodes its aliases expand to are
/// bounded, so that neither deep nesting (a stack overflow) nor an alias bomb ("billion laughs": memory and time)
/// can take the agent down. libyaml's event parser is iterative, so the check itself is bounded by the text.
enum YAMLLimits {
    /// Deeper documents are refused (real configurations nest a few levels).
    static let maximumDepth = 256
    /// Documents whose aliases expand to more nodes than this are refused.
    static let maximumNodes = 1_000_000

    static func check(_ text: String) throws(ValueError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw ValueError("invalid YAML: cannot start the parser") }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        var failure: ValueError? = nil
        bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            // Open collections (their anchor and node count so far) and the expanded size of each anchor.
            var open: [(anchor: String?, nodes: Int)] = []
            var anchored: [String: Int] = [:]
            var expanded = 0
            func add(_ nodes: Int) -> Bool {
                expanded += nodes
                if !open.isEmpty { open[open.count - 1].nodes += nodes }
                return expanded <= maximumNodes
            }
            while true {
                var event = yaml_event_t()
                // A syntax error is left for the composer, which reports it with its position.
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT
                        ? event.data.sequence_start.anchor.map { String(cString: $0) }
                        : event.data.mapping_start.anchor.map { String(cString: $0) }
                    open.append((anchor, 1))
                    if open.count > maximumDepth {
                        failure = ValueError("YAML nested deeper than \(maximumDepth) levels")
                        return
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    let closed = open.removeLast()
                    if let a = closed.anchor { anchored[a] = closed.nodes }
                    expanded += 1
                    if !open.isEmpty { open[open.count - 1].nodes += closed.nodes }
                case YAML_SCALAR_EVENT:
                    if let a = event.data.scalar.anchor { anchored[String(cString: a)] = 1 }
                    if !add(1) { failure = excessiveAliasing; return }
                case YAML_ALIAS_EVENT:
                    let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                    if !add(anchored[name] ?? 1) { failure = excessiveAliasing; return }
                case YAML_STREAM_END_EVENT:
                    return
                default:
                    break
                }
            }
        }
        if let failure { throw failure }
    }

    static var excessiveAliasing: ValueError {
        ValueError("YAML document contains excessive aliasing (more than \(maximumNodes) nodes once aliases are expanded)")
    }
}
