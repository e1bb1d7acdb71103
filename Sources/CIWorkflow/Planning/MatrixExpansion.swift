import CIBasics
import OrderedCollections

/// Expands a written-out matrix into its job instances, exactly as GitHub documents it.
///
/// 1. The cross product of the axes, the first axis varying slowest.
/// 2. `exclude` removes every combination that matches all the key-value pairs of a row (a partial match).
/// 3. Each `include` row is added to every remaining original combination whose original values it
///    does not contradict (overwriting only values added by earlier rows); when it fits none, it
///    becomes a new combination of its own.
public enum MatrixExpansion {
    /// The most jobs one matrix may produce on GitHub.
    public static let maximumJobs = 256

    /// The outcome of an expansion.
    public struct Expansion: Sendable, Hashable {
        /// The combinations, in GitHub's order.
        public var combinations: [OrderedDictionary<String, JSONValue>]
        /// Indexes of `exclude` rows that removed nothing.
        public var unusedExcludes: [Int]
    }

    /// Why a matrix cannot be expanded before the job runs.
    public struct Dynamic: Error, Sendable, Hashable {
        /// What is only known at run time.
        public var reason: String
    }

    /// Expands `definition`, or fails when it holds expressions that only run time can evaluate.
    /// With `evaluated`, the definition's expressions have already been evaluated, so text that
    /// still looks like `${{ }}` is plain text.
    public static func expand(_ definition: MatrixDefinition, evaluated: Bool = false) -> Result<Expansion, Dynamic> {
        var axes: [(String, [JSONValue])] = []
        for (name, axis) in definition.axes {
            guard case .values(let values) = axis, evaluated || (!name.containsExpression && !values.contains(where: \.containsExpression))
            else {
                return .failure(Dynamic(reason: "axis '\(name)' is computed by an expression"))
            }
            axes.append((name, values))
        }
        let exclude: [OrderedDictionary<String, JSONValue>]
        let include: [OrderedDictionary<String, JSONValue>]
        switch (rows(definition.exclude, evaluated: evaluated), rows(definition.include, evaluated: evaluated)) {
        case (.success(let e), .success(let i)):
            exclude = e
            include = i
        case (.failure(let reason), _), (_, .failure(let reason)):
            return .failure(reason)
        }

        var combinations: [OrderedDictionary<String, JSONValue>] = axes.isEmpty ? [] : [[:]]
        for (name, values) in axes {
            var next: [OrderedDictionary<String, JSONValue>] = []
            next.reserveCapacity(combinations.count * values.count)
            for combination in combinations {
                for value in values {
                    var extended = combination
                    extended[name] = value
                    next.append(extended)
                }
            }
            combinations = next
        }

        var unusedExcludes: [Int] = []
        for (index, row) in exclude.enumerated() {
            let before = combinations.count
            combinations.removeAll { combination in
                row.allSatisfy { key, value in combination[key].map { partialMatch(value, $0) } ?? false }
            }
            if combinations.count == before { unusedExcludes.append(index) }
        }

        let axisNames = Set(axes.map(\.0))
        let originalCount = combinations.count
        for row in include {
            var matched = false
            for index in 0..<originalCount {
                let fits = row.allSatisfy { key, value in
                    !axisNames.contains(key) || combinations[index][key] == value
                }
                guard fits else { continue }
                matched = true
                for (key, value) in row where !axisNames.contains(key) { combinations[index][key] = value }
            }
            if !matched { combinations.append(row) }
        }
        return .success(Expansion(combinations: combinations, unusedExcludes: unusedExcludes))
    }

    private static func rows(_ rows: MatrixRows?, evaluated: Bool) -> Result<[OrderedDictionary<String, JSONValue>], Dynamic> {
        switch rows {
        case nil: return .success([])
        case .expression?: return .failure(Dynamic(reason: "include or exclude is computed by an expression"))
        case .rows(let values)?:
            var result: [OrderedDictionary<String, JSONValue>] = []
            for value in values {
                guard case .object(let members) = value, evaluated || !value.containsExpression else {
                    return .failure(Dynamic(reason: "a row holds an expression"))
                }
                var row: OrderedDictionary<String, JSONValue> = [:]
                for member in members { row[member.key] = member.value }
                result.append(row)
            }
            return .success(result)
        }
    }

    /// Whether an `exclude` value matches a combination's value: objects match when every member
    /// of the pattern matches; everything else must be equal.
    static func partialMatch(_ pattern: JSONValue, _ value: JSONValue) -> Bool {
        if case .object(let patternMembers) = pattern, case .object = value {
            return patternMembers.allSatisfy { member in value[member.key].map { partialMatch(member.value, $0) } ?? false }
        }
        return pattern == value
    }
}

extension JSONValue {
    /// Whether any string or key inside holds a `${{ }}` expression.
    public var containsExpression: Bool {
        switch self {
        case .string(let text): return text.containsExpression
        case .array(let values): return values.contains(where: \.containsExpression)
        case .object(let members): return members.contains { $0.key.containsExpression || $0.value.containsExpression }
        default: return false
        }
    }
}
