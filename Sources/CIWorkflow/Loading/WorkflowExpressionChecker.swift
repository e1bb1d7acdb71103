import CIBasics
import CIExpressions

/// Checks every `${{ }}` of a workflow as it loads, as GitHub does: syntax, unknown contexts and
/// functions, argument counts, and GitHub's context availability table (`Scope`). Errors point at
/// the line and column inside the YAML string.
public struct WorkflowExpressionChecker: ExpressionChecker {
    /// Creates the checker.
    public init() {}

    /// Every context name a workflow expression may use somewhere.
    static let knownContexts = [
        "github", "inputs", "vars", "needs", "strategy", "matrix", "secrets", "steps", "job", "runner", "env", "jobs",
    ]

    static let parseOptions = ParseOptions(contexts: nil, functions: Functions.workflowFunctions)

    /// The functions that read the job's status.
    static let statusFunctions = ["success", "failure", "cancelled", "always"]

    /// The diagnostics for one site.
    public func diagnostics(for site: ExpressionSite, in source: SourceText) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let parsed: [(expression: Expression?, source: String, offset: Int)]
        do throws(Template.Problem) {
            if site.isCondition {
                let condition = try Condition(site.text, options: Self.parseOptions)
                if condition.isAlwaysTrueString {
                    diagnostics.append(
                        .warning(
                            .suspicious,
                            "this condition is always true: the text outside ${{ }} makes it a non-empty string; put the whole condition inside ${{ }}, or write it without ${{ }}",
                            at: site.location))
                }
                parsed = condition.expressions
            } else {
                guard let template = try Template.parse(site.text, options: Self.parseOptions) else { return [] }
                if template.isInsertDirective { return [] }
                parsed = template.expressions
            }
        } catch {
            let message = Self.describe(error)
            diagnostics.append(.error(.expression, message, at: locate(error.offset, in: site, source: source)))
            return diagnostics
        }
        for (expression, _, offset) in parsed {
            guard let expression else { continue }
            // Positions are looked up only for the diagnostics that need one.
            for use in expression.contextUses {
                guard let context = ContextSet.context(named: use.name) else {
                    var message = "unknown context '\(use.name)'"
                    if let suggestion = Suggestion.closest(to: use.name, in: Self.knownContexts) {
                        message += "; did you mean '\(suggestion)'?"
                    } else {
                        message += "; the contexts are " + Self.knownContexts.joined(separator: ", ")
                    }
                    diagnostics.append(.error(.expression, message, at: locate(offset + use.offset, in: site, source: source)))
                    continue
                }
                if !site.contexts.contains(context) {
                    let available = site.contexts.contextNames
                    diagnostics.append(
                        .error(
                            .contextAvailability,
                            "the '\(use.name)' context is not available in '\(site.key)'; "
                                + (available.isEmpty ? "no context is" : "only " + available.joined(separator: ", ") + " are"),
                            at: locate(offset + use.offset, in: site, source: source)))
                }
            }
            expression.visit { node in
                guard case .call(let name, let arguments, let callOffset) = node else { return }
                if name == "hashfiles" && !site.contexts.contains(.hashFiles) {
                    diagnostics.append(
                        .error(
                            .contextAvailability, "hashFiles() is not available in '\(site.key)'; it only works in steps",
                            at: locate(offset + callOffset, in: site, source: source)))
                }
                if Self.statusFunctions.contains(name) {
                    if !site.contexts.contains(.statusFunctions) {
                        diagnostics.append(
                            .error(
                                .contextAvailability, "\(name)() is not available in '\(site.key)'; status functions only work in 'if'",
                                at: locate(offset + callOffset, in: site, source: source)))
                    } else if !arguments.isEmpty && site.key.contains(".steps[") {
                        diagnostics.append(
                            .error(
                                .expression, "\(name)() takes no arguments in a step's 'if'",
                                at: locate(offset + callOffset, in: site, source: source)))
                    }
                }
            }
        }
        return diagnostics
    }

    /// A message for a template problem in our words, with GitHub's text after it.
    static func describe(_ problem: Template.Problem) -> String {
        guard let error = problem.expressionError else { return problem.message }
        if error.message.hasPrefix("Unrecognized function: '") {
            let name = error.message.dropFirst("Unrecognized function: '".count).dropLast()
            let all = Array(Functions.builtins.keys) + Array(Functions.workflowFunctions.keys)
            var message = "unknown function '\(name)'"
            if let suggestion = Suggestion.closest(to: String(name).lowercased(), in: all) { message += "; did you mean '\(suggestion)'?" }
            return message
        }
        return "invalid expression: " + error.description
    }

    /// The source location of a UTF-16 offset inside the site's string.
    func locate(_ offset: Int?, in site: ExpressionSite, source: SourceText) -> SourceLocation {
        guard let offset else { return site.location }
        return SourceMapper.location(ofUTF16: offset, in: site.text, near: site.location, source: source)
    }
}

/// Finds where a position inside a YAML string is in the file, by finding the string's text in
/// the source near the node. Falls back to the node's start when the text does not appear
/// verbatim (escapes, folding).
///
/// The piece of the string's line from the position on (or the whole line, at its end) is looked
/// up in the source after the node's start, skipping as many earlier appearances as the string
/// holds before that piece.
enum SourceMapper {
    static func location(ofUTF16 offset: Int, in text: String, near start: SourceLocation, source: SourceText) -> SourceLocation {
        let clamped = min(max(offset, 0), text.utf16.count)
        let index = String.Index(utf16Offset: clamped, in: text)
        // Offsets come from token starts, never from inside a surrogate pair; read one that does
        // the way UTF-16 decoding would, by the code units.
        if clamped < text.utf16.count, UTF16.isTrailSurrogate(text.utf16[index]) {
            return locationByUnits(ofUTF16: clamped, in: text, near: start, source: source)
        }
        let bytes = Array(text.utf8)
        let position = text.utf8.distance(from: text.startIndex, to: index)
        let lineStart = bytes[..<position].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let lineEnd = bytes[position...].firstIndex(of: 0x0A) ?? bytes.count
        let anchorStart = position < lineEnd ? position : lineStart
        let needle = bytes[anchorStart..<lineEnd]
        guard !needle.isEmpty else { return start }
        let occurrence = overlappingCount(of: needle, in: bytes[..<anchorStart])
        guard let found = source.locate(String(decoding: needle, as: UTF8.self), from: start, occurrence: occurrence) else { return start }
        if anchorStart == position { return found }
        let extra = bytes[anchorStart..<position].reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
        return SourceLocation(file: found.file, line: found.line, column: found.column + extra)
    }

    /// How many times `needle` occurs in `haystack`, overlapping occurrences included. On valid
    /// UTF-8 this is the count over Unicode scalars.
    static func overlappingCount(of needle: ArraySlice<UInt8>, in haystack: ArraySlice<UInt8>) -> Int {
        guard let first = needle.first, haystack.count >= needle.count else { return 0 }
        var count = 0
        for index in haystack.startIndex...(haystack.endIndex - needle.count) where haystack[index] == first {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { count += 1 }
        }
        return count
    }

    /// The same lookup over UTF-16 code units, for an offset inside a surrogate pair.
    private static func locationByUnits(ofUTF16 clamped: Int, in text: String, near start: SourceLocation, source: SourceText)
        -> SourceLocation
    {
        let units = Array(text.utf16)
        let lineStart = units[..<clamped].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let lineEnd = units[clamped...].firstIndex(of: 0x0A) ?? units.count
        let anchorStart = clamped < lineEnd ? clamped : lineStart
        let needle = String(decoding: units[anchorStart..<lineEnd], as: UTF16.self)
        guard !needle.isEmpty else { return start }
        let before = String(decoding: units[..<anchorStart], as: UTF16.self)
        let occurrence = overlappingCount(of: Array(needle.utf8)[...], in: Array(before.utf8)[...])
        guard let found = source.locate(needle, from: start, occurrence: occurrence) else { return start }
        if anchorStart == clamped { return found }
        let extra = String(decoding: units[anchorStart..<clamped], as: UTF16.self).unicodeScalars.count
        return SourceLocation(file: found.file, line: found.line, column: found.column + extra)
    }
}

extension DiagnosticCode {
    /// A `${{ }}` expression that does not parse, or names an unknown context or function.
    public static let expression: DiagnosticCode = "expression"
    /// A context or function used where GitHub does not make it available.
    public static let contextAvailability: DiagnosticCode = "context-availability"
}
