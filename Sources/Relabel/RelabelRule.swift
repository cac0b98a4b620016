import RE2
import LogCore

/// One Prometheus relabel rule (a `rule` block), compiled: its regex is anchored and compiled once.
public struct RelabelRule: Sendable, Equatable {
    /// The eleven actions of Prometheus/Alloy relabelling.
    public enum Action: String, Sendable, CaseIterable {
        case replace, keep, drop, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase, keepequal, dropequal
    }

    /// A rule that cannot work, with the argument it concerns.
    public struct ConfigError: Error, CustomStringConvertible, Sendable {
        public var attribute: String?
        public var message: String
        public var description: String { message }
    }

    public static let defaultRegex = "(.*)"
    public static let defaultReplacement = "$1"
    public static let defaultSeparator = ";"

    public var action: Action
    public var sourceLabels: [String]
    public var separator: String
    public var regex: RE2
    public var modulus: UInt64
    public var targetLabel: String
    public var replacement: String

    /// Validates and compiles a rule as Prometheus does.
    public init(action: String = "replace", sourceLabels: [String] = [], separator: String = defaultSeparator,
                regex: String = defaultRegex, modulus: UInt64 = 0, targetLabel: String = "",
                replacement: String = defaultReplacement) throws(ConfigError) {
        guard let a = Action(rawValue: action.lowercased()) else {
            throw ConfigError(attribute: "action", message: "unknown relabel action type \"\(action)\"")
        }
        self.action = a
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.modulus = modulus
        self.targetLabel = targetLabel
        self.replacement = replacement
        do throws(RE2.CompileError) { self.regex = try RE2.anchored(regex) } catch {
            throw ConfigError(attribute: "regex", message: "invalid regex \(RE2.CompileError(pattern: regex, message: error.message))")
        }
        switch a {
        case .replace:
            if targetLabel.isEmpty { throw ConfigError(attribute: "target_label", message: "relabel configuration for replace action requires 'target_label' value") }
            if !RelabelRule.isValidTemplateLabel(targetLabel) {
                throw ConfigError(attribute: "target_label", message: "\"\(targetLabel)\" is invalid 'target_label' for replace action")
            }
        case .hashmod:
            if modulus == 0 { throw ConfigError(attribute: "modulus", message: "relabel configuration for hashmod requires non-zero modulus") }
            if !Label.isValidName(targetLabel) { throw ConfigError(attribute: "target_label", message: "\"\(targetLabel)\" is invalid 'target_label' for hashmod action") }
        case .lowercase, .uppercase:
            if targetLabel.isEmpty { throw ConfigError(attribute: "target_label", message: "relabel configuration for \(a.rawValue) action requires 'target_label' value") }
            if !Label.isValidName(targetLabel) { throw ConfigError(attribute: "target_label", message: "\"\(targetLabel)\" is invalid 'target_label' for \(a.rawValue) action") }
            if replacement != RelabelRule.defaultReplacement { throw ConfigError(attribute: "replacement", message: "'replacement' can not be set for \(a.rawValue) action") }
        case .keepequal, .dropequal:
            if targetLabel.isEmpty { throw ConfigError(attribute: "target_label", message: "relabel configuration for \(a.rawValue) action requires 'target_label' value") }
            if regex != RelabelRule.defaultRegex || modulus != 0 || separator != RelabelRule.defaultSeparator || replacement != RelabelRule.defaultReplacement {
                throw ConfigError(attribute: nil, message: "\(a.rawValue) action requires only 'source_labels' and 'target_label', and no other fields")
            }
        case .labelmap:
            if !RelabelRule.isValidTemplateLabel(replacement) {
                throw ConfigError(attribute: "replacement", message: "\"\(replacement)\" is invalid 'replacement' for labelmap action")
            }
        case .labeldrop, .labelkeep:
            if !sourceLabels.isEmpty || !targetLabel.isEmpty || modulus != 0 || separator != RelabelRule.defaultSeparator
                || replacement != RelabelRule.defaultReplacement {
                throw ConfigError(attribute: nil, message: "\(a.rawValue) action requires only 'regex', and no other fields")
            }
        case .keep, .drop:
            break
        }
    }

    /// A label name, or a template of `$1`/`${name}` references and name characters (Prometheus' check).
    static func isValidTemplateLabel(_ s: String) -> Bool {
        if Label.isValidName(s) { return true }
        let b = Array(s.utf8)
        guard !b.isEmpty, b.contains(36) else { return false }
        func nameByte(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        var i = 0
        while i < b.count {
            if b[i] == 36 {
                if i + 1 < b.count && b[i + 1] == 123 {
                    guard let close = b[(i + 2)...].firstIndex(of: 125), close > i + 2, b[(i + 2)..<close].allSatisfy(nameByte) else { return false }
                    i = close + 1
                } else {
                    var j = i + 1
                    while j < b.count && nameByte(b[j]) { j += 1 }
                    if j == i + 1 { return false }
                    i = j
                }
            } else if nameByte(b[i]) {
                i += 1
            } else {
                return false
            }
        }
        return true
    }
}

/// Applies relabel rules to label sets, as Prometheus' `relabel.Process` does.
public enum Relabeler {
    /// Runs `rules` top-down over `labels`; returns nil when a rule drops the set.
    /// - Parameter utf8Names: accept any valid UTF-8 label name as a target (discovery.relabel) instead of only
    ///   legacy names (loki.relabel).
    public static func apply(_ rules: [RelabelRule], to input: LabelSet, utf8Names: Bool = false) -> LabelSet? {
        var labels = input
        for rule in rules {
            guard apply(rule, to: &labels, utf8Names: utf8Names) else { return nil }
        }
        return labels
    }

    static func sourceValue(_ rule: RelabelRule, _ labels: LabelSet) -> String {
        if rule.sourceLabels.count == 1 { return labels[rule.sourceLabels[0]] ?? "" }
        return rule.sourceLabels.map { labels[$0] ?? "" }.joined(separator: rule.separator)
    }

    static func validTarget(_ name: String, _ utf8Names: Bool) -> Bool {
        utf8Names ? !name.isEmpty : Label.isValidName(name)
    }

    /// One rule; false when it drops the set.
    static func apply(_ rule: RelabelRule, to labels: inout LabelSet, utf8Names: Bool) -> Bool {
        switch rule.action {
        case .keep:
            return rule.regex.fullMatch(sourceValue(rule, labels))
        case .drop:
            return !rule.regex.fullMatch(sourceValue(rule, labels))
        case .keepequal:
            return labels[rule.targetLabel] ?? "" == sourceValue(rule, labels)
        case .dropequal:
            return labels[rule.targetLabel] ?? "" != sourceValue(rule, labels)
        case .replace:
            var value = sourceValue(rule, labels)
            value.withUTF8 { buf in
                let raw = UnsafeRawBufferPointer(buf)
                guard let groups = rule.regex.match(raw, anchor: 2) else { return }
                var targetBytes: [UInt8] = []
                rule.regex.expand(rule.targetLabel, source: raw, groups: groups, into: &targetBytes)
                let target = String(decoding: targetBytes, as: UTF8.self)
                guard validTarget(target, utf8Names) else { return }
                var result: [UInt8] = []
                rule.regex.expand(rule.replacement, source: raw, groups: groups, into: &result)
                labels[target] = result.isEmpty ? nil : String(decoding: result, as: UTF8.self)
            }
            return true
        case .hashmod:
            let digest = MD5.digest(Array(sourceValue(rule, labels).utf8))
            var v: UInt64 = 0
            for b in digest[8..<16] { v = v << 8 | UInt64(b) }
            labels[rule.targetLabel] = String(v % rule.modulus)
            return true
        case .lowercase:
            labels[rule.targetLabel] = sourceValue(rule, labels).lowercased()
            return true
        case .uppercase:
            labels[rule.targetLabel] = sourceValue(rule, labels).uppercased()
            return true
        case .labelmap:
            let snapshot = labels.labels
            for l in snapshot {
                var name = l.name
                name.withUTF8 { buf in
                    let raw = UnsafeRawBufferPointer(buf)
                    guard let groups = rule.regex.match(raw, anchor: 2) else { return }
                    var out: [UInt8] = []
                    rule.regex.expand(rule.replacement, source: raw, groups: groups, into: &out)
                    let newName = String(decoding: out, as: UTF8.self)
                    if validTarget(newName, utf8Names) { labels[newName] = l.value }
                }
            }
            return true
        case .labeldrop:
            for l in labels.labels where rule.regex.fullMatch(l.name) { labels[l.name] = nil }
            return true
        case .labelkeep:
            for l in labels.labels where !rule.regex.fullMatch(l.name) { labels[l.name] = nil }
            return true
        }
    }
}

extension RelabelRule {
    /// Rules are equal when written alike (the same regex pattern compiles to the same matcher).
    public static func == (a: RelabelRule, b: RelabelRule) -> Bool {
        a.action == b.action && a.sourceLabels == b.sourceLabels && a.separator == b.separator
            && a.regex.pattern == b.regex.pattern && a.modulus == b.modulus && a.targetLabel == b.targetLabel
            && a.replacement == b.replacement
    }
}

extension Relabeler {
    /// The label names `rules` can read (source labels, and the target of `keepequal`/`dropequal`); nil when a rule
    /// reads every label name (`labelmap`). Labels outside this set cannot change the result, so a caller may leave
    /// them out of the input when they would be removed afterwards anyway.
    public static func labelsRead(by rules: [RelabelRule]) -> Set<String>? {
        var names = Set<String>()
        for rule in rules {
            switch rule.action {
            case .labelmap: return nil
            case .keepequal, .dropequal: names.insert(rule.targetLabel)
            default: break
            }
            names.formUnion(rule.sourceLabels)
        }
        return names
    }
}
