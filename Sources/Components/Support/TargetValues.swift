import LogCore
import Evaluation

/// A `list(map(string))` of targets held as sorted label sets: what discovery and file-matching components export
/// and take. Exported as a `.mapList`, it reaches the next component without being copied; a list written in the
/// configuration (an array of objects) is converted on decoding.
public struct TargetList: StringMapList, AlloyDecodable, Equatable {
    public var targets: [LabelSet]

    public init(_ targets: [LabelSet]) { self.targets = targets }

    public var count: Int { targets.count }

    public func forEachEntry(at index: Int, _ body: (String, String) -> Void) {
        for label in targets[index].labels { body(label.name, label.value) }
    }

    /// The list as a configuration value.
    public var value: Value { .mapList(self) }

    public static var alloyTypeName: String { "list(map(string))" }
    public static var zero: TargetList { TargetList([]) }

    public static func decode(_ v: Value) throws(ValueError) -> TargetList {
        if case .mapList(let list as TargetList) = v { return list }
        return TargetList(try [[String: String]].decode(v).map { LabelSet($0) })
    }
}
