import CIBasics
import CIYAML
import OrderedCollections

extension Loader {
    mutating func loadStrategy(_ node: Node, job: String) -> Strategy? {
        let what = "'strategy' of job '\(job)'"
        let key = "jobs.\(job).strategy"
        guard let pairs = mapping(node, what) else { return nil }
        let byKey = keys(pairs, allowed: ["matrix", "fail-fast", "max-parallel"], in: what)
        var strategy = Strategy()
        if let node = byKey["fail-fast"]?.value {
            strategy.failFast = bool(node, "'fail-fast' of \(what)", scope: Scope.strategy, key: key + ".fail-fast") ?? .value(true)
        }
        if let node = byKey["max-parallel"]?.value {
            if case .int(0)? = node.resolved {
                warning(.suspicious, "'max-parallel: 0' of \(what) sets no limit; remove it or give a positive number", at: node.mark)
            } else {
                strategy.maxParallel = number(
                    node, "'max-parallel' of \(what)", scope: Scope.strategy, key: key + ".max-parallel", positive: true, integer: true)
            }
        }
        if let node = byKey["matrix"]?.value { strategy.matrix = loadMatrix(node, job: job, key: key + ".matrix") }
        return strategy
    }

    private mutating func loadMatrix(_ node: Node, job: String, key: String) -> Matrix? {
        let what = "the matrix of job '\(job)'"
        if let expression = wholeExpression(node, scope: Scope.strategy, key: key) { return .expression(expression) }
        guard let pairs = mapping(node, what) else { return nil }
        checkCaseInsensitiveDuplicates(pairs, in: what)
        var definition = MatrixDefinition()
        var excludeNode: Node?
        for pair in pairs {
            switch pair.key {
            case "include":
                definition.include = loadRows(pair.value, what: "'include' of \(what)", key: key + ".include")
            case "exclude":
                excludeNode = pair.value
                definition.exclude = loadRows(pair.value, what: "'exclude' of \(what)", key: key + ".exclude")
            default:
                if pair.key.isEmpty {
                    error(.empty, "a matrix axis name must not be empty", at: pair.keyMark)
                    continue
                }
                if let expression = wholeExpression(pair.value, scope: Scope.strategy, key: "\(key).\(pair.key)") {
                    definition.axes[pair.key] = .expression(expression)
                    continue
                }
                guard let items = pair.value.sequence else {
                    error(
                        .matrix,
                        "matrix axis '\(pair.key)' of job '\(job)' must be a sequence of values, but it is \(describe(pair.value))",
                        at: pair.value.mark)
                    continue
                }
                if items.isEmpty {
                    error(.matrix, "matrix axis '\(pair.key)' of job '\(job)' has no values; give it at least one", at: pair.value.mark)
                    continue
                }
                var seen: [JSONValue: Mark] = [:]
                for item in items {
                    let value = item.jsonValue
                    if let previous = seen[value] {
                        warning(
                            .matrix,
                            "matrix axis '\(pair.key)' lists \(value.serialized()) twice (first at line \(previous.line), column \(previous.column)), so the same job runs twice",
                            at: item.mark)
                    } else {
                        seen[value] = item.mark
                    }
                    checkSites(in: item, key: "\(key).\(pair.key)")
                }
                definition.axes[pair.key] = .values(items.map(\.jsonValue))
            }
        }
        checkMatrix(definition, job: job, node: node, excludeNode: excludeNode)
        return .definition(definition)
    }

    /// Hands every string inside a matrix value to the expression checker.
    private mutating func checkSites(in node: Node, key: String) {
        switch node.value {
        case .scalar:
            if case .string(let text)? = node.resolved { site(text, node: node, scope: Scope.strategy, key: key) }
        case .sequence(let items):
            for item in items { checkSites(in: item, key: key) }
        case .mapping(let pairs):
            for pair in pairs { checkSites(in: pair.value, key: key) }
        }
    }

    private mutating func loadRows(_ node: Node, what: String, key: String) -> MatrixRows? {
        if let expression = wholeExpression(node, scope: Scope.strategy, key: key) { return .expression(expression) }
        guard let items = node.sequence else {
            error(.matrix, "\(what) must be a sequence of mappings, but it is \(describe(node))", at: node.mark)
            return nil
        }
        if items.isEmpty { warning(.empty, "\(what) is empty; remove it", at: node.mark) }
        var rows: [JSONValue] = []
        for item in items {
            if wholeExpression(item, scope: Scope.strategy, key: key) != nil || item.mapping != nil {
                if let pairs = item.mapping {
                    checkCaseInsensitiveDuplicates(pairs, in: "a row of \(what)")
                    if pairs.isEmpty { warning(.empty, "an empty row in \(what) has no effect; remove it", at: item.mark) }
                }
                checkSites(in: item, key: key)
                rows.append(item.jsonValue)
            } else {
                error(
                    .matrix, "each row of \(what) must be a mapping of matrix names to values, but this is \(describe(item))", at: item.mark
                )
            }
        }
        return .rows(rows)
    }

    /// Static checks of a written-out matrix: it must produce at least one and at most 256 jobs,
    /// and `exclude` must name axes that exist.
    private mutating func checkMatrix(_ definition: MatrixDefinition, job: String, node: Node, excludeNode: Node?) {
        let dynamic =
            definition.axes.keys.contains { $0.containsExpression }
            || definition.axes.values.contains {
                if case .expression = $0 { return true }
                return false
            }
        let noIncludeRows: Bool
        switch definition.include {
        case nil: noIncludeRows = true
        case .rows(let rows)?: noIncludeRows = rows.isEmpty
        case .expression?: noIncludeRows = false
        }
        if definition.axes.isEmpty && noIncludeRows {
            error(.matrix, "the matrix of job '\(job)' is empty; give it at least one axis or 'include' row", at: node.mark)
            return
        }
        guard !dynamic else { return }
        if case .rows(let rows)? = definition.exclude, let excludeItems = excludeNode?.sequence {
            for (row, item) in zip(rows, excludeItems) {
                guard case .object(let members) = row, let pairs = item.mapping else { continue }
                for (member, pair) in zip(members, pairs) where !member.key.containsExpression && definition.axes[member.key] == nil {
                    var message = "'\(member.key)' in 'exclude' of job '\(job)' is not an axis of the matrix"
                    if let suggestion = Suggestion.closest(to: member.key, in: definition.axes.keys) {
                        message += "; did you mean '\(suggestion)'?"
                    } else {
                        message += "; the axes are " + definition.axes.keys.map { "'\($0)'" }.joined(separator: ", ")
                    }
                    error(.matrix, message, at: pair.keyMark)
                }
            }
        }
        guard let expansion = MatrixExpansion.outline(definition) else { return }
        for unused in expansion.unusedExcludes {
            guard let item = excludeNode?.sequence?[unused] else { continue }
            let stray = item.mapping?.first { pair in
                guard case .values(let values)? = definition.axes[pair.key] else { return false }
                let pattern = pair.value.jsonValue
                return !values.contains { MatrixExpansion.partialMatch(pattern, $0) }
            }
            if let stray, case .values(let values)? = definition.axes[stray.key] {
                let shown = values.prefix(8).map { $0.serialized() }.joined(separator: ", ")
                warning(
                    .matrix,
                    "\(stray.value.jsonValue.serialized()) is not a value of matrix axis '\(stray.key)' (\(shown)), so this 'exclude' row of job '\(job)' excludes nothing",
                    at: stray.value.mark)
            } else {
                warning(
                    .matrix, "this 'exclude' row of job '\(job)' matches no combination of the matrix, so it excludes nothing",
                    at: item.mark)
            }
        }
        if expansion.count == 0 {
            error(.matrix, "the matrix of job '\(job)' excludes every combination, so the job would never run", at: node.mark)
        } else if expansion.count > MatrixExpansion.maximumJobs {
            error(
                .matrix,
                "the matrix of job '\(job)' produces \(expansion.count) jobs; GitHub allows at most \(MatrixExpansion.maximumJobs) per matrix",
                at: node.mark)
        }
    }
}
