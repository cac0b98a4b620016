import Platform
import FileSource
import LogCore
import Evaluation
import Runtime
import Synchronization

/// `local.file_match`: expands the `__path__` glob of each target every `sync_period` (and at once when its
/// arguments change) and exports one target per matching file.
public final class LocalFileMatchComponent: TypedComponent {
    public struct Arguments: ComponentArguments {
        var pathTargets: TargetList
        var matching: FileMatch.Settings

        public init(_ d: inout BodyDecoder) {
            pathTargets = d.required("path_targets")
            matching = FileMatch.Settings.decode(&d)
            for (i, t) in pathTargets.targets.enumerated() where t["__path__"] == nil {
                d.error("path_targets[\(i)] has no __path__ label", attribute: "path_targets")
            }
        }
    }

    private let options: ComponentOptions
    private let state: Mutex<(arguments: Arguments, targets: TargetList, resolver: FileMatch.Resolver)>
    private let wake = WakeSignal()

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        self.options = options
        var resolver = FileMatch.Resolver()
        let initial = LocalFileMatchComponent.resolve(arguments, &resolver)
        state = Mutex((arguments, initial, resolver))
    }

    public var exports: [String: Value] { ["targets": state.withLock { $0.targets }.value] }

    public func run() async {
        while !Task.isCancelled {
            let period = state.withLock { $0.arguments.matching.syncPeriod }
            await wake.wait(timeout: period)
            if Task.isCancelled { break }
            // The resolver is taken out while globbing, so that it is not copied and the lock is not held.
            var (args, resolver) = state.withLock { s in
                defer { s.resolver = FileMatch.Resolver() }
                return (s.arguments, s.resolver)
            }
            let targets = LocalFileMatchComponent.resolve(args, &resolver)
            state.withLock { $0.targets = targets; $0.resolver = resolver }
            options.onStateChange(["targets": targets.value])
        }
    }

    static func resolve(_ a: Arguments, _ resolver: inout FileMatch.Resolver) -> TargetList {
        TargetList(resolver.resolve(a.pathTargets.targets, ignoreOlderThan: a.matching.ignoreOlderThan.nanoseconds,
                                    nowNanoseconds: WallClock.nowNanoseconds()))
    }

    public func update(arguments: Arguments) async throws {
        state.withLock { $0.arguments = arguments }
        wake.signal()
    }
}
