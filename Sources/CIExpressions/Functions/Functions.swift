import CIBasics

/// The functions of the expression language: the built-ins, and those a workflow adds.
public enum Functions {
    /// Built-in functions (lower-cased) and how many arguments each takes.
    public static let builtins: [String: ClosedRange<Int>] = [
        "case": 3...Int.max, "contains": 2...2, "endswith": 2...2, "format": 1...255, "fromjson": 1...1, "join": 1...2,
        "startswith": 2...2, "tojson": 1...1,
    ]

    /// The status functions with the arguments a step's `if` allows (none).
    public static let stepStatusFunctions: [String: ClosedRange<Int>] = [
        "success": 0...0, "failure": 0...0, "cancelled": 0...0, "always": 0...0,
    ]

    /// The status functions with the arguments a job's `if` allows (`success()` and `failure()`
    /// may name jobs of `needs`).
    public static let jobStatusFunctions: [String: ClosedRange<Int>] = [
        "success": 0...Int.max, "failure": 0...Int.max, "cancelled": 0...0, "always": 0...0,
    ]

    /// `hashFiles(pattern, …)`.
    public static let hashFiles: [String: ClosedRange<Int>] = ["hashfiles": 1...255]

    /// Every function a workflow may call somewhere.
    public static let workflowFunctions: [String: ClosedRange<Int>] = jobStatusFunctions.merging(hashFiles) { $1 }

    /// Calls function `name` (lower-cased) with evaluated arguments.
    static func call(_ name: String, _ arguments: [ExpressionValue], context: EvaluationContext, expression: String) throws(ExpressionError)
        -> ExpressionValue
    {
        func fail(_ message: String) -> ExpressionError { ExpressionError(.evaluation, message, offset: nil, expression: expression) }
        switch name {
        case "contains":
            let (search, item) = (arguments[0], arguments[1])
            if search.isPrimitive {
                guard item.isPrimitive else { return .boolean(false) }
                return .boolean(containsIgnoringCase(search.stringValue, item.stringValue))
            }
            if case .array(let array) = search {
                return .boolean(array.items.contains { ExpressionValue.looselyEquals(item, $0) })
            }
            return .boolean(false)
        case "startswith", "endswith":
            guard arguments[0].isPrimitive, arguments[1].isPrimitive else { return .boolean(false) }
            if let found = ASCIICaseFolding.hasAffix(arguments[0].stringValue, arguments[1].stringValue, atEnd: name == "endswith") {
                return .boolean(found)
            }
            let text = ExpressionValue.upperSpecial(arguments[0].stringValue)
            let affix = ExpressionValue.upperSpecial(arguments[1].stringValue)
            return .boolean(
                name == "startswith" ? text.utf16.starts(with: affix.utf16) : text.utf16.reversed().starts(with: affix.utf16.reversed()))
        case "format":
            return .string(try format(arguments, fail: fail))
        case "join":
            if arguments[0].isPrimitive { return .string(arguments[0].stringValue) }
            guard case .array(let array) = arguments[0] else { return .string("") }
            let separator = arguments.count > 1 && arguments[1].isPrimitive ? arguments[1].stringValue : ","
            return .string(array.items.map(\.stringValue).joined(separator: separator))
        case "tojson":
            return .string(arguments[0].prettyJSON)
        case "fromjson":
            let text = arguments[0].stringValue
            if JSNumber.trimWhitespace(text).isEmpty { throw fail("empty input") }
            do {
                return ExpressionValue(json: try JSONValue.parse(text, strict: true))
            } catch {
                throw fail("Error parsing fromJson: \(error.message) at line \(error.line), column \(error.column)")
            }
        case "case":
            var index = 0
            while index < arguments.count - 1 {
                guard case .boolean(let matched) = arguments[index] else { throw fail("case predicate must evaluate to a boolean value") }
                if matched { return arguments[index + 1] }
                index += 2
            }
            return arguments[arguments.count - 1]
        case "success", "failure", "cancelled", "always":
            return .boolean(try status(name, arguments, context: context, fail: fail))
        case "hashfiles":
            guard let files = context.files else { throw fail("hashFiles() is not available here; it needs a workspace") }
            return .string(try files.hashFiles(arguments.map(\.stringValue)))
        default:
            throw fail("Unrecognized function: '\(name)'")
        }
    }

    /// `contains(text, item)` on strings: whether `needle` occurs in `haystack`, both lower-cased;
    /// ASCII strings are searched on their bytes.
    static func containsIgnoringCase(_ haystack: String, _ needle: String) -> Bool {
        if let found = ASCIICaseFolding.contains(haystack, needle) { return found }
        return unicodeContainsIgnoringCase(haystack, needle)
    }

    /// `containsIgnoringCase` for any strings: lower-cases both and searches with Foundation's
    /// `contains` (what GitHub's results were checked against; it does not split a character
    /// from the combining marks that follow it).
    static func unicodeContainsIgnoringCase(_ haystack: String, _ needle: String) -> Bool {
        let needle = needle.lowercased()
        return needle.isEmpty || haystack.lowercased().contains(needle)
    }

    private static func status(
        _ name: String, _ arguments: [ExpressionValue], context: EvaluationContext, fail: (String) -> ExpressionError
    ) throws(ExpressionError) -> Bool {
        if name == "always" { return true }
        guard let state = context.status else { throw fail("\(name)() is not available here") }
        if name == "cancelled" { return state.current == .cancelled }
        guard !arguments.isEmpty else { return name == "success" ? state.current == .success : state.current == .failure }
        var results: [RunStatus] = []
        for argument in arguments {
            let job = argument.stringValue
            guard let result = state.jobResults.first(where: { $0.key.lowercased() == job.lowercased() })?.value else {
                throw fail("\(name)('\(job)'): '\(job)' is not a job this job needs")
            }
            results.append(result)
        }
        return name == "success" ? results.allSatisfy { $0 == .success } : results.contains(.failure)
    }

    /// `format(string, values…)`: `{N}` is replaced by the N-th value, `{{` and `}}` are braces.
    static func format(_ arguments: [ExpressionValue], fail: (String) -> ExpressionError) throws(ExpressionError) -> String {
        let pattern = arguments[0].stringValue
        let units = Array(pattern.utf16)
        var result: [UInt16] = []
        var index = 0
        func unit(_ at: Int) -> UInt16 { at < units.count ? units[at] : 0 }
        func next(_ target: UInt16, from: Int) -> Int? { units[from...].firstIndex(of: target) }
        while index < units.count {
            let left = next(0x7B, from: index)
            let right = next(0x7D, from: index)
            if let left, right.map({ $0 > left }) ?? true {
                if unit(left + 1) == 0x7B {
                    result += units[index...left]
                    index = left + 2
                    continue
                }
                if let right, right > left + 1 {
                    var digitsEnd = left + 1
                    while digitsEnd < units.count, units[digitsEnd] >= 0x30, units[digitsEnd] <= 0x39 { digitsEnd += 1 }
                    if digitsEnd > left + 1, let argument = Int(String(decoding: units[(left + 1)..<digitsEnd], as: UTF16.self)) {
                        guard argument + 1 <= arguments.count - 1 else {
                            throw fail("The following format string references more arguments than were supplied: \(pattern)")
                        }
                        result += units[index..<left]
                        result += Array(arguments[argument + 1].stringValue.utf16)
                        index = right + 1
                        continue
                    }
                }
                throw fail("The following format string is invalid: \(pattern)")
            } else if let right {
                guard unit(right + 1) == 0x7D else { throw fail("The following format string is invalid: \(pattern)") }
                result += units[index...right]
                index = right + 2
            } else {
                result += units[index...]
                break
            }
        }
        return String(decoding: result, as: UTF16.self)
    }
}
