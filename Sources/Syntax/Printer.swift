import Codecs
// The formatter behind `tributary fmt`: byte for byte what `alloy fmt` prints (alloy-syntax.md §5).
//
//   AST + comment groups ──walker──▶ printer ──stream──▶ elastic-tab aligner ──▶ trimmer ──▶ + "\n"
//
// The stream holds TAB (hard cell end), VT (soft cell end), LF, FF (line end that also ends an alignment
// section) and 0xFF, which brackets comment text so that the aligner treats it as opaque.

/// Formats a parsed file into its canonical text.
public enum Formatter {
    /// The canonical text of `file`, ending in exactly one line feed.
    public static func format(_ file: File) -> String {
        var p = StreamPrinter(file: file)
        p.statements(file.body)
        p.finish()
        var aligner = TabAligner()
        aligner.write(p.stream)
        let aligned = aligner.flush()
        var out = trim(aligned)
        out.append(10)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses and formats `source`.
    public static func format(_ source: SourceFile) throws(Diagnostics) -> String {
        format(try Parser.parse(source))
    }

    /// Removes blanks before line ends and at the end, and the 0xFF markers.
    static func trim(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var space: [UInt8] = []
        var inEscape = false
        for var b in data {
            if b == 11 { b = 9 }
            if inEscape {
                if b == 0xFF { inEscape = false } else { out.append(b) }
                continue
            }
            switch b {
            case 9, 32: space.append(b)
            case 10, 12:
                space.removeAll(keepingCapacity: true)
                out.append(10)
            case 0xFF:
                out += space
                space.removeAll(keepingCapacity: true)
                inEscape = true
            default:
                out += space
                space.removeAll(keepingCapacity: true)
                out.append(b)
            }
        }
        return out
    }
}

/// Whitespace items queued between tokens.
enum WS: Equatable {
    case sp, vt, nl, ff, indent, unindent, ignored
}

/// Turns the AST and comments into the formatter's intermediate stream (alloy-syntax.md §5.5, §5.6).
struct StreamPrinter {
    let file: File
    let source: SourceFile
    var stream: [UInt8] = []
    var depth = 0
    var queue: [WS] = []
    var prevKind: TokenKind? = nil
    var cursorOffset = 0
    var cursorLine = 1
    var lastLine = 0
    var atLineStart = true
    var groupIndex = 0

    init(file: File) {
        self.file = file
        self.source = file.source
    }

    private func line(_ offset: Int) -> Int { source.line(of: offset) }

    // MARK: printer primitives

    mutating func ws(_ items: WS...) {
        queue.append(contentsOf: items)
        prevKind = nil
    }

    mutating func at(_ offset: Int) {
        cursorOffset = offset
        cursorLine = line(offset)
    }

    mutating func text(_ t: String, _ kind: TokenKind) {
        if prevKind == .number, t.hasPrefix("."), kind != .ident {
            queue.append(.sp)
        }
        prevKind = kind
        let next = (offset: cursorOffset, line: cursorLine)
        flush(next: next, kind: kind)
        put(next, t, comment: false)
    }

    private mutating func put(_ p: (offset: Int, line: Int), _ t: String, comment: Bool) {
        if atLineStart { stream.append(contentsOf: repeatElement(9, count: depth)) }
        if comment { stream.append(0xFF) }
        stream.append(contentsOf: t.utf8)
        if comment { stream.append(0xFF) }
        var lines = 0
        for b in t.utf8 where b == 10 || b == 12 { lines += 1 }
        cursorOffset = p.offset + t.utf8.count
        cursorLine = p.line + lines
        lastLine = cursorLine
        atLineStart = false
    }

    private mutating func writeByte(_ c: UInt8, _ n: Int) {
        if atLineStart { stream.append(contentsOf: repeatElement(9, count: depth)) }
        stream.append(contentsOf: repeatElement(c, count: n))
        atLineStart = c == 10 || c == 12
    }

    private mutating func applyQueue(_ k: Int) {
        let items = queue.prefix(k)
        queue.removeFirst(min(k, queue.count))
        for item in items {
            switch item {
            case .indent: depth += 1
            case .unindent: depth -= 1
            case .ignored: break
            case .sp: writeByte(32, 1)
            case .vt: writeByte(11, 1)
            case .nl: writeByte(10, 1)
            case .ff: writeByte(12, 1)
            }
        }
    }

    private var nextGroupOffset: Int? {
        groupIndex < file.comments.count ? file.comments[groupIndex].first?.offset : nil
    }

    private mutating func flush(next: (offset: Int, line: Int), kind: TokenKind) {
        if let g = nextGroupOffset, g <= next.offset {
            injectComments(next: next, kind: kind)
        } else if kind != .eof {
            applyQueue(queue.count)
        }
    }

    private mutating func injectComments(next: (offset: Int, line: Int), kind: TokenKind) {
        var last: Comment? = nil
        while let g = nextGroupOffset, g <= next.offset {
            for c in file.comments[groupIndex] {
                commentPrefix(c, next: next)
                put((c.offset, line(c.offset)), c.text, comment: true)
                last = c
            }
            groupIndex += 1
        }
        if kind != .eof, let last { commentSuffix(next: next, last: last) }
    }

    private mutating func commentPrefix(_ c: Comment, next: (offset: Int, line: Int)) {
        if stream.isEmpty { return }
        let cl = line(c.offset)
        if cl == lastLine {
            writeByte(cl == next.line ? 32 : 9, 1)
            return
        }
        var k = 0
        while k < queue.count {
            if queue[k] == .indent || queue[k] == .unindent { k += 1; continue }
            queue[k] = .ignored
            break
        }
        if k == queue.count { k = 0 }
        applyQueue(k)
        let d = cl - lastLine
        if lastLine > 0 && d > 0 { writeByte(12, min(d, 2)) }
    }

    private mutating func commentSuffix(next: (offset: Int, line: Int), last: Comment) {
        if last.text.hasPrefix("/*") {
            let endLine = line(last.offset) + last.text.utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            if endLine == next.line { writeByte(32, 1) }
        }
        var droppedFF = false
        for i in queue.indices {
            switch queue[i] {
            case .sp, .vt, .nl: queue[i] = .ignored
            case .ff: queue[i] = .ignored; droppedFF = true
            default: break
            }
        }
        applyQueue(queue.count)
        let d = next.line - lastLine
        if d > 0 { writeByte(droppedFF ? 12 : 10, min(d, 2)) }
    }

    mutating func finish() {
        flush(next: (Int.max, Int.max), kind: .eof)
    }

    // MARK: walker

    private func lines(_ start: Int, _ end: Int) -> Int { line(end) - line(start) + 1 }

    mutating func statements(_ body: [Statement]) {
        for (i, s) in body.enumerated() {
            if i > 0 {
                if case .block = s {
                    ws(.ff)
                } else if line(s.start) - line(body[i - 1].end) > 1 {
                    ws(.ff)
                }
            }
            statement(s)
            ws(lines(s.start, s.end) > 1 ? .ff : .nl)
        }
    }

    private mutating func statement(_ s: Statement) {
        switch s {
        case .attribute(let a):
            at(a.nameOffset)
            text(a.name, .ident)
            ws(.vt)
            text("=", .assign)
            ws(.sp)
            expr(a.value)
        case .block(let b):
            at(b.nameOffset)
            text(b.fullName, .ident)
            if !b.label.isEmpty {
                ws(.sp)
                at(b.labelOffset)
                text(GoQuote.quoted(b.label), .string)
            }
            ws(.sp)
            at(b.lcurly)
            text("{", .lcurly)
            ws(.indent)
            if !b.body.isEmpty {
                ws(.ff)
                statements(b.body)
            } else {
                ws(.sp)
            }
            ws(.unindent)
            at(b.rcurly)
            text("}", .rcurly)
        }
    }

    private func differentLines(_ a: Int, _ b: Int) -> Bool { line(a) != line(b) }

    mutating func expr(_ e: Expr) {
        switch e {
        case .literal(let l):
            at(l.offset)
            text(l.text, l.kind)
        case .identifier(let n, let o):
            at(o)
            text(n, .ident)
        case .access(let v, let n, _):
            expr(v)
            text(".", .dot)
            text(n, .ident)
        case .index(let v, let lb, let i, let rb):
            expr(v)
            at(lb)
            text("[", .lbrack)
            expr(i)
            at(rb)
            text("]", .rbrack)
        case .unary(let op, let o, let v):
            at(o)
            text(op.spelling, op)
            expr(v)
        case .binary(let op, let o, let l, let r):
            expr(l)
            ws(.sp)
            at(o)
            text(op.spelling, op)
            ws(.sp)
            expr(r)
        case .paren(_, let inner, _):
            text("(", .lparen)
            expr(inner)
            text(")", .rparen)
        case .array(let lb, let elements, let rb):
            at(lb)
            text("[", .lbrack)
            var prev = lb
            for (i, el) in elements.enumerated() {
                var newline = false
                if differentLines(prev, el.start) {
                    ws(.indent, .ff)
                    newline = true
                } else if i > 0 {
                    ws(.sp)
                }
                prev = el.end
                expr(el)
                if i + 1 < elements.count { text(",", .comma) }
                if newline { ws(.unindent) }
            }
            if !elements.isEmpty && differentLines(prev, rb) {
                text(",", .comma)
                ws(.indent, .ff)
                ws(.unindent)
            }
            at(rb)
            text("]", .rbrack)
        case .object(let lc, let fields, let rc):
            at(lc)
            text("{", .lcurly)
            ws(.indent)
            var prev = lc
            for (i, f) in fields.enumerated() {
                if differentLines(prev, f.nameOffset) {
                    if i > 0 && lines(fields[i - 1].value.start, fields[i - 1].value.end) == 1 {
                        ws(.nl)
                    } else {
                        ws(.ff)
                    }
                } else if i > 0 {
                    ws(.sp)
                }
                prev = f.nameOffset + f.name.utf8.count - 1
                at(f.nameOffset)
                if f.quoted {
                    text(GoQuote.quoted(f.name), .string)
                } else {
                    text(f.name, .ident)
                }
                ws(.vt)
                text("=", .assign)
                ws(.sp)
                expr(f.value)
                if i + 1 < fields.count { text(",", .comma) }
            }
            if !fields.isEmpty && differentLines(prev, rc) {
                text(",", .comma)
                ws(.ff)
            }
            ws(.unindent)
            at(rc)
            text("}", .rcurly)
        case .call(let callee, let lp, let args, let rp):
            expr(callee)
            text("(", .lparen)
            var prev = lp
            for (i, a) in args.enumerated() {
                var newline = false
                if differentLines(prev, a.start) {
                    ws(.ff, .indent)
                    newline = true
                }
                expr(a)
                prev = a.end
                if i + 1 < args.count {
                    text(",", .comma)
                    ws(.sp)
                }
                if newline { ws(.unindent) }
            }
            if differentLines(prev, rp) {
                text(",", .comma)
                ws(.ff)
            }
            text(")", .rparen)
        case .bad:
            break
        }
    }
}

extension Formatter {
    /// The text of one expression as the formatter prints it, without comments (used in value errors).
    public static func text(of e: Expr, in source: SourceFile) -> String {
        var p = StreamPrinter(file: File(source: source, body: [], comments: []))
        p.expr(e)
        p.finish()
        var aligner = TabAligner()
        aligner.write(p.stream)
        return String(decoding: trim(aligner.flush()), as: UTF8.self)
    }
}
