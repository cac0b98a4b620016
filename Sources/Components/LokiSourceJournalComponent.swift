import JournalSource
import LogCore
import Logging
import Relabel
import Evaluation
import Runtime
import Synchronization

/// `loki.source.journal`: reads the systemd journal through libsystemd and forwards its entries, labelled by the
/// static `labels`, `job` (the component id) and whatever `relabel_rules` make of the `__journal_*` fields. The
/// cursor of the last acknowledged entry is kept in `<data>/positions.yml`. See `JournalSource`.
public final class LokiSourceJournalComponent: TypedComponent, HealthReporting {
    public struct Arguments: ComponentArguments {
        var forwardTo: [ReceiverRef]
        var formatAsJSON: Bool
        var labels: [String: String]
        var reader = JournalConfig()
        var rules: [RelabelRule]
        var legacyPosition: (file: String, name: String)?

        public init(_ d: inout BodyDecoder) {
            forwardTo = d.required("forward_to")
            formatAsJSON = d.attribute("format_as_json", default: false)
            labels = d.attribute("labels", default: [String: String]())
            for name in labels.keys.sorted() where !Label.isValidName(name) {
                d.error("invalid label name \"\(name)\" in labels: a label name matches [a-zA-Z_][a-zA-Z0-9_]*", attribute: "labels")
            }
            if let text = d.optional("matches", as: String.self) {
                do throws(JournalMatches.ParseError) { reader.matches = try JournalMatches(text) } catch {
                    d.error(error.message, attribute: "matches")
                }
            }
            d.read("max_age", into: &reader.maxAge)
            d.read("path", into: &reader.path)
            d.report(reader.problems)
            rules = d.attribute("relabel_rules", default: RulesRef.zero).rules
            if var b = d.block("legacy_position") {
                let file: String = b.required("file")
                let name: String = b.required("name")
                legacyPosition = (file, name)
                d.absorb(&b)
            }
        }

        /// Whether the reader must restart for these arguments (anything but the same values).
        func differs(from other: Arguments) -> Bool {
            forwardTo.map(\.capsule.ownerID) != other.forwardTo.map(\.capsule.ownerID) || formatAsJSON != other.formatAsJSON
                || labels != other.labels || reader != other.reader || rules != other.rules
        }
    }

    private let id: String
    private let tap: LiveTap
    private let source: JournalSource
    private let current: Mutex<Arguments>

    public init(options: ComponentOptions, arguments: Arguments) async throws {
        id = options.id
        tap = options.liveTap
        let logger = options.logger
        source = try JournalSource(componentID: options.id, positionsPath: options.dataPath + "/positions.yml",
                                   legacyPosition: arguments.legacyPosition,
                                   settings: LokiSourceJournalComponent.settings(arguments, id: options.id, tap: tap), logger: logger,
                                   ledger: options.shared.object { SourceLedger() })
        current = Mutex(arguments)
    }

    static func settings(_ a: Arguments, id: String, tap: LiveTap) -> JournalSource.Settings {
        var statics = LabelSet(a.labels)
        statics["job"] = id
        let rules = a.rules
        let relabel: @Sendable (LabelSet) -> LabelSet? = { Relabeler.apply(rules, to: $0) }
        let labeling = JournalLabeling(staticLabels: statics, labelsRead: Relabeler.labelsRead(by: rules),
                                       formatAsJSON: a.formatAsJSON, relabel: relabel)
        return JournalSource.Settings(config: a.reader, labeling: labeling, forward: a.forwardTo.fanout(tap))
    }

    public var exports: [String: Value] { [:] }

    public var health: ComponentHealth {
        let s = source.status
        return ComponentHealth(state: s.healthy ? .healthy : .unhealthy, message: s.message, updated: s.since)
    }

    public func update(arguments: Arguments) async throws {
        let changed = current.withLock { c -> Bool in
            defer { c = arguments }
            return arguments.differs(from: c)
        }
        if changed { source.update(LokiSourceJournalComponent.settings(arguments, id: id, tap: tap)) }
    }

    public func run() async { await source.run() }
}
