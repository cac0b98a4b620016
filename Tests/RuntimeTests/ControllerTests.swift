import Foundation
import Logging
import Synchronization
import Syntax
import Testing
@testable import Evaluation
@testable import Runtime

/// Publishes `count` as fast as it can, 1 through `count`.
final class BurstComponent: TypedComponent {
    struct Arguments: ComponentArguments {
        var count: Int
        init(_ d: inout BodyDecoder) { count = d.required("count") }
    }
    let options: ComponentOptions
    let count: Int
    init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        count = arguments.count
    }
    var exports: [String: Value] { ["value": .int(0)] }
    func run() async {
        for i in 1...count { options.onStateChange(["value": .int(i)]) }
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
    }
    func update(arguments: Arguments) async throws {}
}

/// Records every value its arguments are updated with; each update takes 2 ms, slower than the burst.
final class SinkComponent: TypedComponent {
    struct Arguments: ComponentArguments {
        var value: Int
        init(_ d: inout BodyDecoder) { value = d.required("value") }
    }
    static let seen = Mutex<[Int]>([])
    init(options: ComponentOptions, arguments: Arguments) async throws {}
    var exports: [String: Value] { [:] }
    func run() async {
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
    }
    func update(arguments: Arguments) async throws {
        SinkComponent.seen.withLock { $0.append(arguments.value) }
        try await Task.sleep(for: .milliseconds(2))
    }
}

@Suite struct ControllerTests {
    /// Arguments of the wrong type are an error, not a silent no-op.
    @Test func updateWithTheWrongArgumentsFailsLoudly() async throws {
        let options = ComponentOptions(id: "test.burst.x", dataPath: "/tmp") { _ in }
        var d = BodyDecoder(evaluator: Evaluator(source: SourceFile(name: "t", text: "")), body: [], anchor: (0, 0))
        let component = try await BurstComponent(options: options, arguments: BurstComponent.Arguments(&d))
        await #expect(throws: ArgumentsMismatch.self) { try await component.update(SinkComponent.Arguments(&d) as any Sendable) }
        try await component.update(BurstComponent.Arguments(&d) as any Sendable)
    }

    /// A component publishing faster than its dependent evaluates must not queue every publication: the dependent
    /// sees fewer updates than publications, in order, ending with the newest.
    @Test func burstsOfPublicationsAreCoalesced() async throws {
        var registry = Registry()
        registry.register(ComponentRegistration("test.burst", BurstComponent.self, exports: ["value": .int(0)]))
        registry.register(ComponentRegistration("test.sink", SinkComponent.self))
        let text = "test.burst \"b\" {\n\tcount = 2000\n}\ntest.sink \"s\" {\n\tvalue = test.burst.b.value\n}\n"
        let graph = try ConfigGraph.load([try Parser.parse(SourceFile(name: "c.alloy", text: text))], registry: registry)
        let storage = NSTemporaryDirectory() + "controller-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: storage) }
        let controller = Controller(graph: graph, storagePath: storage, logger: Logger(label: "test"))
        try await controller.start()
        let deadline = ContinuousClock.now + .seconds(20)
        while SinkComponent.seen.withLock({ $0.last }) != 2000 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        await controller.stop(drainTimeout: .seconds(1))
        let seen = SinkComponent.seen.withLock { $0 }
        #expect(seen.last == 2000, "the newest publication reaches the dependent")
        #expect(seen.count < 1000, "publications made while the dependent was busy were coalesced (\(seen.count) updates)")
        #expect(seen == seen.sorted(), "updates arrive in publication order")
    }
}
