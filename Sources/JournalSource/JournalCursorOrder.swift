/// Orders journal cursors (`s=<seqnum id>;i=<seqnum>;b=<boot id>;m=<monotonic>;t=<realtime>;x=<xor hash>`, hex
/// values) without opening the journal: by sequence number within one sequence-number id, else by wall-clock time.
enum JournalCursorOrder {
    /// Whether `a` names an entry written before `b` (false when either cannot be read).
    static func isBefore(_ a: String, _ b: String) -> Bool {
        let fa = fields(a), fb = fields(b)
        if let sa = fa["s"], sa == fb["s"], let ia = fa["i"].flatMap({ UInt64($0, radix: 16) }),
           let ib = fb["i"].flatMap({ UInt64($0, radix: 16) }) {
            return ia < ib
        }
        guard let ta = fa["t"].flatMap({ UInt64($0, radix: 16) }), let tb = fb["t"].flatMap({ UInt64($0, radix: 16) }) else { return false }
        return ta < tb
    }

    private static func fields(_ cursor: String) -> [Substring: Substring] {
        var out: [Substring: Substring] = [:]
        for part in cursor.split(separator: ";") {
            guard let eq = part.firstIndex(of: "=") else { continue }
            out[part[..<eq]] = part[part.index(after: eq)...]
        }
        return out
    }
}
