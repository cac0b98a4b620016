/// A value that could not be read, with a message in the words of the Go function Alloy calls for it
/// (`time: invalid duration "x"`), so that messages match what Alloy users know.
public struct CodecError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
