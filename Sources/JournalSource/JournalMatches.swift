/// The `matches` argument of `loki.source.journal`: journalctl-style `FIELD=value` terms separated by whitespace.
///
/// Terms of different fields must all match; repeating a field matches any of its values; a lone `+` starts
/// another group that is ORed with the ones before (`journalctl _SYSTEMD_UNIT=a.service + _TRANSPORT=kernel`).
public struct JournalMatches: Sendable, Equatable {
    /// Groups of terms; an entry is read when every field of some group matches.
    public var groups: [[String]]

    /// A term libsystemd would refuse, with the reason.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    /// Parses `text`; an empty text matches every entry.
    /// No matches: every entry.
    public init() { groups = [] }

    public init(_ text: String) throws(ParseError) {
        var groups: [[String]] = [[]]
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            if word == "+" {
                guard !groups[groups.count - 1].isEmpty else {
                    throw ParseError(message: "\"+\" in matches must stand between two terms")
                }
                groups.append([])
                continue
            }
            try JournalMatches.check(word)
            groups[groups.count - 1].append(String(word))
        }
        if groups.count > 1 && groups[groups.count - 1].isEmpty {
            throw ParseError(message: "\"+\" in matches must stand between two terms")
        }
        self.groups = groups[0].isEmpty ? [] : groups
    }

    /// The rule libsystemd applies to a match: `FIELD=value` where FIELD is upper-case letters, digits and `_`,
    /// and does not start with `__`.
    static func check(_ term: Substring) throws(ParseError) {
        guard let eq = term.utf8.firstIndex(of: UInt8(ascii: "=")), eq != term.utf8.startIndex else {
            throw ParseError(message: "match \"\(term)\" must have the form FIELD=value")
        }
        let field = term.utf8[..<eq]
        if field.starts(with: "__".utf8) {
            throw ParseError(message: "match \"\(term)\": fields starting with \"__\" (address fields) cannot be matched")
        }
        for c in field where !((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95) {
            throw ParseError(message: "match \"\(term)\": a journal field name has only upper-case letters, digits and \"_\"")
        }
    }
}
