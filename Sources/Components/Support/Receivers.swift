import LogCore
import Evaluation
import Runtime

/// A log receiver carried through the configuration language as a capsule (`loki.echo.x.receiver`).
public struct ReceiverCapsule: DataFlowCapsule {
    public let ownerID: String
    public let receiver: any LogsReceiver
    public init(ownerID: String, receiver: any LogsReceiver) {
        self.ownerID = ownerID
        self.receiver = receiver
    }
    public var capsuleName: String { "loki.LogsReceiver" }
    public func isEqual(to other: any CapsuleValue) -> Bool {
        (other as? ReceiverCapsule)?.ownerID == ownerID
    }
    /// The export value.
    public var value: Value { .capsule(self) }
}

/// An element of `forward_to`.
public struct ReceiverRef: AlloyDecodable {
    public let capsule: ReceiverCapsule
    public static var alloyTypeName: String { "capsule(\"loki.LogsReceiver\")" }
    public static var zero: ReceiverRef { ReceiverRef(capsule: ReceiverCapsule(ownerID: "", receiver: DiscardReceiver())) }
    public static func decode(_ v: Value) throws(ValueError) -> ReceiverRef {
        guard case .capsule(let c as ReceiverCapsule) = v else {
            let got = v.typeName == "capsule" ? "capsule(\"\((v.capsuleNameIfAny) ?? "")\")" : v.typeName
            throw ValueError("should be capsule(\"loki.LogsReceiver\"), got \(got)")
        }
        return ReceiverRef(capsule: c)
    }
}

extension Value {
    var capsuleNameIfAny: String? {
        if case .capsule(let c) = self { return c.capsuleName }
        return nil
    }
}

/// Accepts and forgets: the zero value of a receiver, used only during validation.
struct DiscardReceiver: LogsReceiver {
    func receive(_ batch: EntryBatch) async {}
}

/// The zero export of a component that exports a receiver (for `validate`).
let placeholderReceiver: Value = ReceiverCapsule(ownerID: "", receiver: DiscardReceiver()).value

extension Array where Element == ReceiverRef {
    /// The receivers as a fan-out that shows what it sends to `tap`'s live-debugging readers.
    func fanout(_ tap: LiveTap) -> Fanout { Fanout(map { $0.capsule.receiver }, tap: tap) }
}

extension ComponentOptions {
    /// This component's live-debugging tap (what it receives and emits, for `/api/v0/web/debug/{id}`).
    var liveTap: LiveTap { shared.object { LiveDebugHub() }.tap(for: id) }
}
