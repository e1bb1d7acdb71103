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

    /// What `expand(definition)` gives when it succeeds — how many combinations, and which
    /// `exclude` rows removed nothing — computed on combination numbers instead of dictionaries.
    /// Nil when `expand` would fail (or, for a matrix too large to number, what `expand` says).
    static func outline(_ definition: MatrixDefinition) -> (count: Int, unusedExcludes: [Int])? {
        var axes: [[JSONValue]] = []
        var axisIndex: [String: Int] = [:]
        var total = 1
        for (name, axis) in definition.axes {
            guard case .values(let values) = axis, !name.containsExpression && !values.contains(where: \.containsExpression) else {
                return nil
            }
            axisIndex[name] = axes.count
            axes.append(values)
            total = total.multipliedReportingOverflow(by: values.count).overflow ? Int.max : total * values.count
        }
        guard case .success(let exclude) = rows(definition.exclude, evaluated: false),
            case .success(let include) = rows(definition.include, evaluated: false)
        else { return nil }
        guard total <= 1 << 20 else {
            guard case .success(let expansion) = expand(definition) else { return nil }
            return (expansion.combinations.count, expansion.unusedExcludes)
        }
        // Combination `c` takes value `(c / strides[a]) % axes[a].count` of axis `a`; the first
        // axis varies slowest, as in `expand`.
        var strides = [Int](repeating: 1, count: axes.count)
        for axis in axes.indices.reversed().dropFirst() { strides[axis] = strides[axis + 1] * axes[axis + 1].count }
        func value(_ combination: Int, _ axis: Int) -> JSONValue { axes[axis][(combination / strides[axis]) % axes[axis].count] }
        var combinations = axes.isEmpty ? [] : Array(0..<total)

        var unusedExcludes: [Int] = []
        for (index, row) in exclude.enumerated() {
            let before = combinations.count
            combinations.removeAll { combination in
                row.allSatisfy { key, pattern in axisIndex[key].map { partialMatch(pattern, value(combination, $0)) } ?? false }
            }
            if combinations.count == before { unusedExcludes.append(index) }
        }

        var count = combinations.count
        for row in include {
            let matched = combinations.contains { combination in
                row.allSatisfy { key, wanted in axisIndex[key].map { value(combination, $0) == wanted } ?? true }
            }
            if !matched { count += 1 }
        }
        return (count, unusedExcludes)
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
