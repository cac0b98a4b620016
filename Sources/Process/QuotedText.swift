/// Reads a quoted string starting just after its opening quote at `i`, decoding `\n`, `\t`, `\r` and `\x` → `x`
/// escapes (when `escapes` is set); leaves `i` on the closing quote, or at the end when there is none.
func readQuoted<C: RandomAccessCollection>(_ b: C, _ i: inout C.Index, quote: UInt8, escapes: Bool = true) -> [UInt8]
where C.Element == UInt8 {
    var out: [UInt8] = []
    while i < b.endIndex, b[i] != quote {
        if escapes, b[i] == 92, b.index(after: i) < b.endIndex {
            i = b.index(after: i)
            switch b[i] {
            case 110: out.append(10)
            case 116: out.append(9)
            case 114: out.append(13)
            default: out.append(b[i])
            }
        } else {
            out.append(b[i])
        }
        i = b.index(after: i)
    }
    return out
}
