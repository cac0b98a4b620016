import Platform
import LogCore
import Logging
import Process
import Evaluation
import Runtime
import Synchronization

/// `loki.process`: runs each received batch through its `stage.*` blocks, in order, and forwards what comes out.
/// Drops are counted in `loki_process_dropped_lines_total{reason}`. Entries held by a stage (CRI partial lines,
/// multiline blocks) are flushed when their time comes and at shutdown.
public final class LokiProcessComponent: TypedComponent, LogsReceiver {
    public struct Arguments: ComponentArguments {
        var forwardTo: [ReceiverRef]
        var pipeline: Pipeline
        /// The stage blocks as written (nil when they name something whose value may change).
        var stagesText: String?
        public init(_ d: inout BodyDecoder) {
            forwardTo = d.required("forward_to")
            stagesText = d.blocksFingerprint
            var a = BodyStageArguments(decoder: d)
            // Nothing after a loki.process reads its extracted map.
            pipeline = StageFactory.pipeline(&a, extractedReadAfter: false)
            d = a.decoder
        }
    }

    private let id: String
    private let tap: LiveTap
    private let logger: Logger
    private let metrics: ProcessMetrics
    private let state: Mutex<Arguments>
    /// Serialises use of the (stateful) pipeline without blocking threads: waiting senders suspend.
    private let running = AsyncSemaphore(permits: 1)

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        id = options.id
        tap = options.liveTap
        logger = options.logger
        metrics = ProcessMetrics(componentID: options.id)
        state = Mutex(arguments)
    }

    public var exports: [String: Value] { ["receiver": ReceiverCapsule(ownerID: id, receiver: self).value] }

    private func context(held: HeldEntries? = nil) -> PipelineContext {
        PipelineContext(componentID: id, logger: logger, metrics: metrics, held: held)
    }

    private func report(_ ctx: PipelineContext) {
        for (reason, n) in ctx.drops {
            metrics.dropped(reason, n)
            logger.debug("dropped entries", metadata: ["reason": "\(reason)", "count": "\(n)"])
        }
    }

    public func receive(_ batch: EntryBatch) async {
        let ctx = context(held: batch.held)
        let (pipeline, forward) = state.withLock { ($0.pipeline, $0.forwardTo.fanout(tap)) }
        tap.publish(batch.entries, .received)
        await running.acquire()
        let (entries, holds) = pipeline.run(batch.entries, ctx)
        running.release()
        report(ctx)
        // A later stage of another component may hold these entries too: it records that with the source's batch.
        await forward.send(EntryBatch(entries, held: batch.held, progress: batch.progress))
        // Entries a stage held are acknowledged now: their claims on the source's position go.
        withExtendedLifetime(holds) {}
    }

    /// Forwards what stages release after waiting (or everything, with `force`). At the final stop, entries that
    /// hold their source's position (a CRI partial line, a multiline block) are not forwarded incomplete: the
    /// source saved its position before them and reads them again, whole, at the next start.
    private func flush(force: Bool, stopping: Bool = false) async {
        let ctx = context()
        let (pipeline, forward) = state.withLock { ($0.pipeline, $0.forwardTo.fanout(tap)) }
        await running.acquire()
        var out = pipeline.flush(nowNanoseconds: WallClock.nowNanoseconds(), force: force, ctx)
        running.release()
        report(ctx)
        if stopping {
            let before = out.count
            out.removeAll { $0.hold != nil }
            if out.count < before {
                logger.info("held entries left for their source to read again at the next start", metadata: ["count": "\(before - out.count)"])
            }
        }
        let (entries, holds) = Pipeline.unwrap(consume out)
        await forward.send(EntryBatch(entries))
        withExtendedLifetime(holds) {}
    }

    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            await flush(force: false)
        }
        await flush(force: true, stopping: true)
    }

    /// New arguments. Stages written exactly as before keep their pipeline and what it holds (a CRI partial line, a
    /// multiline block): only where entries go changes, as when a reload or a new `loki.write` re-evaluates this
    /// component. Otherwise held entries are flushed and the new pipeline takes over.
    public func update(arguments: Arguments) async throws {
        let samePipeline = state.withLock { s -> Bool in
            guard let old = s.stagesText, old == arguments.stagesText else { return false }
            s.forwardTo = arguments.forwardTo
            return true
        }
        if samePipeline { return }
        await flush(force: true)
        state.withLock { $0 = arguments }
    }
}
