/// A setting a module refuses, named by its attribute in the component's block, so that the adapter reports it at
/// that attribute with the configuration file's line and column. Modules check their own settings (one place);
/// adapters only read values and report.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    public var attribute: String?
    public var message: String

    public init(_ message: String, attribute: String? = nil) {
        self.attribute = attribute
        self.message = message
    }

    public var description: String { message }
}
