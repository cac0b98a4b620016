import Codecs

/// The elastic-tab aligner of the formatter: Go's `text/tabwriter` with min width 0, tab width 8, padding 1,
/// space padding, DiscardEmptyColumns and TabIndent, and 0xFF as the escape character (alloy-syntax.md §5.7).
struct TabAligner {
    private struct Cell {
        var size = 0      // bytes
        var width = 0     // code points, escape markers excluded
        var htab = false  // ended by TAB rather than VT
    }

    private var buf: [UInt8] = []
    private var pos = 0
    private var cell = Cell()
    private var inEscape = false
    private var lines: [[Cell]] = [[]]
    private var widths: [Int] = []
    private var output: [UInt8] = []

    private let tabWidth = 8
    private let padding = 1

    private mutating func append(_ bytes: ArraySlice<UInt8>) {
        buf.append(contentsOf: bytes)
        cell.size += bytes.count
    }

    private mutating func updateWidth() {
        cell.width += TabAligner.runeCount(buf[pos...])
        pos = buf.count
    }

    private static func runeCount(_ s: ArraySlice<UInt8>) -> Int {
        var n = 0
        var i = s.startIndex
        while i < s.endIndex {
            let b = s[i]
            if b < 0x80 {
                i += 1
            } else {
                let (_, w) = UTF8Bytes.decode(Array(s[i..<min(i + 4, s.endIndex)]), at: 0)
                i += w
            }
            n += 1
        }
        return n
    }

    private mutating func terminateCell(htab: Bool) -> Int {
        cell.htab = htab
        lines[lines.count - 1].append(cell)
        cell = Cell()
        return lines[lines.count - 1].count
    }

    private mutating func endEscape() {
        updateWidth()
        cell.width -= 2
        pos = buf.count
        inEscape = false
    }

    mutating func write(_ data: [UInt8]) {
        var n = 0
        for i in data.indices {
            let ch = data[i]
            if !inEscape {
                switch ch {
                case 9, 11, 10, 12:
                    append(data[n..<i])
                    updateWidth()
                    n = i + 1
                    let ncells = terminateCell(htab: ch == 9)
                    if ch == 10 || ch == 12 {
                        lines.append([])
                        if ch == 12 || ncells == 1 { flushNoDefers() }
                    }
                case 0xFF:
                    append(data[n..<i])
                    updateWidth()
                    n = i
                    inEscape = true
                default:
                    break
                }
            } else if ch == 0xFF {
                append(data[n...i])
                n = i + 1
                endEscape()
            }
        }
        append(data[n...])
    }

    mutating func flush() -> [UInt8] {
        flushNoDefers()
        return output
    }

    private mutating func flushNoDefers() {
        if cell.size > 0 {
            if inEscape { endEscape() }
            _ = terminateCell(htab: false)
        }
        _ = format(pos0: 0, line0: 0, line1: lines.count)
        buf.removeAll(keepingCapacity: true)
        pos = 0
        cell = Cell()
        inEscape = false
        lines = [[]]
        widths.removeAll()
    }

    private mutating func format(pos0: Int, line0 l0: Int, line1: Int) -> Int {
        var pos = pos0
        var line0 = l0
        let column = widths.count
        var this = line0
        while this < line1 {
            if column >= lines[this].count - 1 {
                this += 1
                continue
            }
            pos = writeLines(pos0: pos, line0: line0, line1: this)
            line0 = this
            var width = 0
            var discardable = true
            while this < line1 {
                let line = lines[this]
                if column >= line.count - 1 { break }
                let c = line[column]
                let w = c.width + padding
                if w > width { width = w }
                if c.width > 0 || c.htab { discardable = false }
                this += 1
            }
            if discardable { width = 0 }
            widths.append(width)
            pos = format(pos0: pos, line0: line0, line1: this)
            widths.removeLast()
            line0 = this
        }
        return writeLines(pos0: pos, line0: line0, line1: line1)
    }

    private mutating func writeLines(pos0: Int, line0: Int, line1: Int) -> Int {
        var pos = pos0
        var i = line0
        while i < line1 {
            let line = lines[i]
            var useTabs = true
            for (j, c) in line.enumerated() {
                if c.size == 0 {
                    if j < widths.count { writePadding(textWidth: c.width, cellWidth: widths[j], useTabs: useTabs) }
                } else {
                    useTabs = false
                    output.append(contentsOf: buf[pos..<pos + c.size])
                    pos += c.size
                    if j < widths.count { writePadding(textWidth: c.width, cellWidth: widths[j], useTabs: false) }
                }
            }
            if i + 1 == lines.count {
                output.append(contentsOf: buf[pos..<pos + cell.size])
                pos += cell.size
            } else {
                output.append(10)
            }
            i += 1
        }
        return pos
    }

    private mutating func writePadding(textWidth: Int, cellWidth: Int, useTabs: Bool) {
        if useTabs {
            let cw = (cellWidth + tabWidth - 1) / tabWidth * tabWidth
            let n = cw - textWidth
            output.append(contentsOf: repeatElement(9, count: (n + tabWidth - 1) / tabWidth))
            return
        }
        output.append(contentsOf: repeatElement(32, count: max(0, cellWidth - textWidth)))
    }
}
