/// Every `stage.*` block `loki.process` understands: one line each. Stages Alloy has that Tributary does not
/// are listed with the reason, for a clear diagnostic.
public enum StageFactory {
    static func make<A: StageArguments>(_ name: String, _ a: inout A) -> (any Stage)? {
        switch name {
        case "stage.cri": return CRIStage(&a)
        case "stage.decolorize": return DecolorizeStage(&a)
        case "stage.docker": return DockerStage(&a)
        case "stage.drop": return DropStage(&a)
        case "stage.geoip": return GeoIPStage(&a)
        case "stage.json": return JSONStage(&a)
        case "stage.label_drop": return LabelDropStage(&a)
        case "stage.label_keep": return LabelKeepStage(&a)
        case "stage.labels": return LabelsStage(&a)
        case "stage.limit": return LimitStage(&a)
        case "stage.logfmt": return LogfmtStage(&a)
        case "stage.luhn": return LuhnStage(&a)
        case "stage.match": return MatchStage(&a)
        case "stage.metrics": return MetricsStage(&a)
        case "stage.multiline": return MultilineStage(&a)
        case "stage.output": return OutputStage(&a)
        case "stage.pack": return PackStage(&a)
        case "stage.pattern": return PatternStage(&a)
        case "stage.regex": return RegexStage(&a)
        case "stage.replace": return ReplaceStage(&a)
        case "stage.sampling": return SamplingStage(&a)
        case "stage.split_json": return SplitJSONStage(&a)
        case "stage.static_labels": return StaticLabelsStage(&a)
        case "stage.structured_metadata": return StructuredMetadataStage(&a)
        case "stage.structured_metadata_drop": return StructuredMetadataDropStage(&a)
        case "stage.template": return TemplateStage(&a)
        case "stage.tenant": return TenantStage(&a)
        case "stage.timestamp": return TimestampStage(&a)
        case "stage.truncate": return TruncateStage(&a)
        default: return nil
        }
    }

    /// Alloy stages Tributary recognises but does not run, with the reason.
    public static let unsupported: [String: String] = [
        "stage.eventlogmessage": "is for Windows event logs",
        "stage.windowsevent": "is for Windows event logs",
    ]

    /// Builds the pipeline of every `stage.*` block of `a`, in order; unknown or unsupported stages are reported.
    /// `extractedReadAfter`: see ``Pipeline/init(_:extractedReadAfter:)``.
    public static func pipeline<A: StageArguments>(_ a: inout A, extractedReadAfter: Bool = true) -> Pipeline {
        var stages: [any Stage] = []
        for (name, var nested) in a.blocks(withPrefix: "stage.") {
            if let stage = make(name, &nested) {
                stages.append(stage)
            } else if let why = unsupported[name] {
                nested.error("\(name) is not supported by Tributary: it \(why)", attribute: nil)
            } else {
                nested.error("unrecognized block name \"\(name)\"", attribute: nil)
            }
            a.absorb(&nested)
        }
        return Pipeline(stages, extractedReadAfter: extractedReadAfter)
    }
}
