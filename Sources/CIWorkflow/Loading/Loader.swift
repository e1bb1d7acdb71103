import CIBasics
import CIYAML
import OrderedCollections

/// The state of one workflow load: the file, the diagnostics so far, and typed readers for nodes.
///
/// Every reader reports what is wrong at the node's line and column and returns nil, so loading
/// goes on and one pass finds every problem.
struct Loader {
    let path: String
    let source: SourceText
    let checker: (any ExpressionChecker)?
    var diagnostics: [Diagnostic] = []

    init(source: SourceText, checker: (any ExpressionChecker)?) {
        self.path = source.path
        self.source = source
        self.checker = checker
    }

    func location(_ mark: Mark) -> SourceLocation { mark.location(in: path) }

    mutating func error(_ code: DiagnosticCode, _ message: String, at mark: Mark) {
        diagnostics.append(.error(code, message, at: location(mark)))
    }

    mutating func warning(_ code: DiagnosticCode, _ message: String, at mark: Mark) {
        diagnostics.append(.warning(code, message, at: location(mark)))
    }

    // MARK: Expressions

    /// Hands a string to the expression checker when it holds an expression (or is a condition).
    /// (`key` and the `what` of other readers are autoclosures: they are only made into strings
    /// when an expression or a message needs them.)
    mutating func site(_ text: String, node: Node, scope: ContextSet, key: @autoclosure () -> String, isCondition: Bool = false) {
        guard let checker, isCondition || text.containsExpression else { return }
        let site = ExpressionSite(
            text: text, location: location(node.mark), offset: node.mark.offset, contexts: scope, isCondition: isCondition, key: key())
        diagnostics.append(contentsOf: checker.diagnostics(for: site, in: source))
    }

    /// When `node` is a string holding `${{ }}` and `scope` allows expressions, its text.
    mutating func wholeExpression(_ node: Node, scope: ContextSet, key: @autoclosure () -> String) -> String? {
        guard !scope.isEmpty, let scalar = node.scalar, case .string(let text)? = node.resolved, text.containsExpression else {
            return nil
        }
        _ = scalar
        site(text, node: node, scope: scope, key: key())
        return text
    }

    // MARK: Shapes

    /// The pairs of a mapping, or nil (reported) when `node` is not one.
    mutating func mapping(_ node: Node, _ what: @autoclosure () -> String) -> [Pair]? {
        if let pairs = node.mapping { return pairs }
        error(.type, "\(what()) must be a mapping, but it is \(describe(node))", at: node.mark)
        return nil
    }

    /// Reports keys of `pairs` that are not in `allowed`, with a did-you-mean suggestion; returns
    /// the pairs by key.
    mutating func keys(_ pairs: [Pair], allowed: [String], in what: @autoclosure () -> String, severity: Severity = .error) -> KeyedPairs {
        var byKey = KeyedPairs()
        for pair in pairs {
            if allowed.contains(pair.key) {
                byKey.add(pair)
            } else {
                unknownKey(pair, allowed: allowed, in: what(), severity: severity)
            }
        }
        return byKey
    }

    mutating func unknownKey(_ pair: Pair, allowed: [String], in what: @autoclosure () -> String, severity: Severity = .error) {
        if pair.isMergeKey { return }
        var message = "unknown key '\(pair.key)' in \(what())"
        if let suggestion = Suggestion.closest(to: pair.key, in: allowed) {
            message += "; did you mean '\(suggestion)'?"
        } else if !allowed.isEmpty {
            message += "; expected one of: " + allowed.sorted().joined(separator: ", ")
        }
        if severity == .warning { message += " (GitHub ignores it)" }
        diagnostics.append(Diagnostic(severity, .unknownKey, message, at: location(pair.keyMark)))
    }

    /// A short description of a node for messages: `the string 'abc'`, `a sequence`, `null`.
    func describe(_ node: Node) -> String {
        switch node.resolved {
        case .string(let text)?:
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "the string '\(shown.replacing("\n", with: "\\n"))'"
        case .int(let value)?: return "the number \(value)"
        case .float(let value)?: return "the number \(GitHubNumber.string(value))"
        case .bool(let value)?: return "the boolean \(value)"
        case .null?: return "empty"
        case nil: return node.kindDescription
        }
    }

    // MARK: Scalars

    /// A scalar as a string, the way GitHub converts YAML scalars: numbers and booleans become text.
    /// Returns nil (reported) for collections, and nil for null unless `nullIsEmpty`.
    mutating func string(
        _ node: Node, _ what: @autoclosure () -> String, scope: ContextSet = [], key: @autoclosure () -> String = "",
        nonEmpty: Bool = false, nullIsEmpty: Bool = false
    ) -> String? {
        guard let value = node.resolved else {
            error(.type, "\(what()) must be a string, but it is \(node.kindDescription)", at: node.mark)
            return nil
        }
        let text: String
        switch value {
        case .null:
            if nonEmpty {
                error(.empty, "\(what()) must not be empty", at: node.mark)
                return nil
            }
            guard nullIsEmpty else { return nil }
            text = ""
        case .string(let value): text = value
        case .bool(let value): text = value ? "true" : "false"
        case .int(let value): text = String(value)
        case .float(let value): text = GitHubNumber.string(value)
        }
        if nonEmpty && text.isEmpty {
            error(.empty, "\(what()) must not be empty", at: node.mark)
            return nil
        }
        if !scope.isEmpty { site(text, node: node, scope: scope, key: key()) }
        return text
    }

    /// A boolean, or an expression when `scope` allows one.
    mutating func bool(_ node: Node, _ what: @autoclosure () -> String, scope: ContextSet = [], key: @autoclosure () -> String = "")
        -> Setting<Bool>?
    {
        switch node.resolved {
        case .bool(let value)?: return .value(value)
        case .string(let text)? where !scope.isEmpty && text.containsExpression:
            site(text, node: node, scope: scope, key: key())
            return .expression(text)
        default:
            let hint: String
            if case .string(let text)? = node.resolved, ["yes", "no", "on", "off", "y", "n"].contains(text.lowercased()) {
                hint = "; '\(text)' is a string in YAML 1.2, write true or false"
            } else {
                hint = ""
            }
            let expressionNote = scope.isEmpty ? "" : " or a ${{ }} expression"
            error(.type, "\(what()) must be true or false\(expressionNote), but it is \(describe(node))\(hint)", at: node.mark)
            return nil
        }
    }

    /// A number, or an expression when `scope` allows one. `positive` rejects zero and negatives.
    mutating func number(
        _ node: Node, _ what: @autoclosure () -> String, scope: ContextSet = [], key: @autoclosure () -> String = "",
        positive: Bool = false, integer: Bool = false
    ) -> Setting<Double>? {
        let value: Double
        switch node.resolved {
        case .int(let number)?: value = Double(number)
        case .float(let number)?:
            if integer {
                error(.type, "\(what()) must be a whole number, but it is \(describe(node))", at: node.mark)
                return nil
            }
            value = number
        case .string(let text)? where !scope.isEmpty && text.containsExpression:
            site(text, node: node, scope: scope, key: key())
            return .expression(text)
        default:
            let expressionNote = scope.isEmpty ? "" : " or a ${{ }} expression"
            error(.type, "\(what()) must be a number\(expressionNote), but it is \(describe(node))", at: node.mark)
            return nil
        }
        if positive && !(value > 0) {
            error(.type, "\(what()) must be greater than zero, but it is \(GitHubNumber.string(value))", at: node.mark)
            return nil
        }
        return .value(value)
    }

    /// A sequence of strings, or one string where `acceptsSingle` (`needs: build`, `branches: main`).
    mutating func strings(
        _ node: Node, _ what: @autoclosure () -> String, scope: ContextSet = [], key: @autoclosure () -> String = "",
        acceptsSingle: Bool = true, nonEmptyItems: Bool = true
    ) -> [Located<String>]? {
        if let items = node.sequence {
            var result: [Located<String>] = []
            for item in items {
                if let text = string(
                    item, "each entry of \(what())", scope: scope, key: key(), nonEmpty: nonEmptyItems, nullIsEmpty: !nonEmptyItems)
                {
                    result.append(Located(text, at: location(item.mark)))
                }
            }
            return result
        }
        if acceptsSingle, node.scalar != nil {
            guard let text = string(node, what(), scope: scope, key: key(), nonEmpty: nonEmptyItems) else { return nil }
            return [Located(text, at: location(node.mark))]
        }
        let expected = acceptsSingle ? "a string or a sequence of strings" : "a sequence of strings"
        error(.type, "\(what()) must be \(expected), but it is \(describe(node))", at: node.mark)
        return nil
    }

    /// A mapping of names to strings, such as `env`. Numbers and booleans become text. With
    /// `caseInsensitive`, keys that differ only in case are reported as duplicates.
    mutating func stringMap(
        _ node: Node, _ what: @autoclosure () -> String, scope: ContextSet = [], key: @autoclosure () -> String = "",
        caseInsensitive: Bool = false
    ) -> Setting<OrderedDictionary<String, String>>? {
        if let expression = wholeExpression(node, scope: scope, key: key()) { return .expression(expression) }
        if node.isNull {
            error(.empty, "\(what()) is empty; give it entries or remove it", at: node.mark)
            return nil
        }
        guard let pairs = mapping(node, what()) else { return nil }
        if caseInsensitive { checkCaseInsensitiveDuplicates(pairs, in: what()) }
        var result: OrderedDictionary<String, String> = [:]
        for pair in pairs where !pair.isMergeKey {
            if pair.key.isEmpty {
                error(.empty, "a key in \(what()) must not be empty", at: pair.keyMark)
                continue
            }
            if pair.value.scalar == nil {
                error(.type, "'\(pair.key)' in \(what()) must be a string, but it is \(describe(pair.value))", at: pair.value.mark)
                continue
            }
            result[pair.key] = string(
                pair.value, "'\(pair.key)' in \(what())", scope: scope, key: "\(key()).\(pair.key)", nullIsEmpty: true)
        }
        return .value(result)
    }

    /// Reports every YAML merge key (`<<`) in the document: GitHub rejects them wherever they are.
    mutating func reportMergeKeys(_ node: Node) {
        switch node.value {
        case .scalar: return
        case .sequence(let items): for item in items { reportMergeKeys(item) }
        case .mapping(let pairs):
            for pair in pairs {
                if pair.isMergeKey {
                    error(
                        .mergeKey,
                        "YAML merge keys ('<<') are not supported by GitHub Actions; write the keys out, or alias the whole mapping",
                        at: pair.keyMark)
                }
                reportMergeKeys(pair.value)
            }
        }
    }

    /// Reports keys that differ only in case (GitHub treats these names case-insensitively).
    mutating func checkCaseInsensitiveDuplicates(_ pairs: [Pair], in what: @autoclosure () -> String) {
        // Most mappings are small and ASCII: compare folded bytes in place, without allocating.
        if pairs.count <= 16, pairs.allSatisfy({ $0.key.utf8.allSatisfy { $0 < 0x80 } }) {
            for (index, pair) in pairs.enumerated() where !pair.isMergeKey {
                let earlier = pairs[..<index].first { !$0.isMergeKey && Self.equalIgnoringASCIICase($0.key, pair.key) }
                if let previous = earlier?.keyMark { reportCaseDuplicate(pair, of: previous, in: what()) }
            }
            return
        }
        var seen: [String: Mark] = [:]
        for pair in pairs where !pair.isMergeKey {
            let folded = pair.key.lowercased()
            if let previous = seen[folded] {
                reportCaseDuplicate(pair, of: previous, in: what())
            } else {
                seen[folded] = pair.keyMark
            }
        }
    }

    private mutating func reportCaseDuplicate(_ pair: Pair, of previous: Mark, in what: String) {
        error(
            .duplicateKey,
            "'\(pair.key)' in \(what) repeats the key at line \(previous.line), column \(previous.column); these names are case-insensitive",
            at: pair.keyMark)
    }

    /// Whether two ASCII strings are equal when upper-case letters are folded to lower case.
    private static func equalIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A)
        }
    }

    /// Reports `key` missing from `pairs`, at `mark`.
    mutating func require(_ key: String, in byKey: KeyedPairs, _ what: String, at mark: Mark, hint: String = "") {
        if byKey[key] == nil {
            error(.missingKey, "\(what) is missing '\(key)'\(hint)", at: mark)
        }
    }
}

extension DiagnosticCode {
    /// A key that the workflow syntax does not have.
    public static let unknownKey: DiagnosticCode = "unknown-key"
    /// A value of the wrong type.
    public static let type: DiagnosticCode = "type"
    /// A required key is missing.
    public static let missingKey: DiagnosticCode = "missing-key"
    /// A value that must not be empty is empty.
    public static let empty: DiagnosticCode = "empty"
    /// A key repeated (case-insensitively) where names must be unique.
    public static let duplicateKey: DiagnosticCode = "duplicate-key"
    /// A job or step id that is not valid.
    public static let invalidID: DiagnosticCode = "invalid-id"
    /// A step id used twice in a job.
    public static let duplicateID: DiagnosticCode = "duplicate-id"
    /// `needs` names a job that does not exist.
    public static let unknownJob: DiagnosticCode = "unknown-job"
    /// `needs` forms a cycle.
    public static let needsCycle: DiagnosticCode = "needs-cycle"
    /// A step with both or neither of `run` and `uses`, or a job that mixes `uses` and `steps`.
    public static let stepKind: DiagnosticCode = "step-kind"
    /// A `shell` that is neither known nor a `{0}` template.
    public static let unknownShell: DiagnosticCode = "unknown-shell"
    /// A matrix problem: empty, too large, or an exclude naming no axis.
    public static let matrix: DiagnosticCode = "matrix"
    /// A `schedule` cron expression that is not valid.
    public static let cron: DiagnosticCode = "cron"
    /// An event name GitHub does not have.
    public static let unknownEvent: DiagnosticCode = "unknown-event"
    /// An activity type the event does not have.
    public static let activityType: DiagnosticCode = "activity-type"
    /// A YAML merge key (`<<`).
    public static let mergeKey: DiagnosticCode = "merge-key"
    /// A value that YAML 1.1 and 1.2 read differently.
    public static let yaml11: DiagnosticCode = "yaml-1.1"
    /// Shell parameter syntax `${ x }` where `${{ x }}` was meant.
    public static let singleBrace: DiagnosticCode = "single-brace-expression"
    /// A valid but suspicious value.
    public static let suspicious: DiagnosticCode = "suspicious"
    /// A `uses` reference that is not in a form GitHub accepts.
    public static let usesFormat: DiagnosticCode = "uses-format"
}

extension Pair {
    /// Whether this is a YAML merge key, `<<` written plain.
    var isMergeKey: Bool { key == "<<" && keyStyle == .plain }
}
