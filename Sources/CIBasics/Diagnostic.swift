/// How serious a diagnostic is.
public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    /// The input is wrong: it will not be run.
    case error
    /// The input is valid but probably not what its author meant.
    case warning
    /// Extra information attached to another diagnostic.
    case note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }

    /// Errors sort before warnings, warnings before notes.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A stable, machine-readable name for a kind of diagnostic, such as `unknown-key`.
///
/// Codes are open-ended: each module declares its own in an extension.
public struct DiagnosticCode: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The code's text.
    public var rawValue: String
    /// Creates a code from its text.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Creates a code from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }
    /// The code's text.
    public var description: String { rawValue }
}

/// One message about the input: where, how serious, what is wrong and how to fix it.
public struct Diagnostic: Hashable, Sendable, Error, CustomStringConvertible {
    /// How serious the problem is.
    public var severity: Severity
    /// The kind of problem, for machines and for `--format json`.
    public var code: DiagnosticCode
    /// What is wrong, worded so that it says how to fix it.
    public var message: String
    /// Where in the input the problem is, when it has a place.
    public var location: SourceLocation?
    /// Further lines that explain the problem.
    public var notes: [String]

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, _ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
        notes: [String] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.notes = notes
    }

    /// Creates an error diagnostic.
    public static func error(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?, notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.error, code, message, at: location, notes: notes)
    }

    /// Creates a warning diagnostic.
    public static func warning(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation?, notes: [String] = []
    ) -> Diagnostic {
        Diagnostic(.warning, code, message, at: location, notes: notes)
    }

    /// `path:line:col: severity: message`, the first line of the rendered form.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(severity.rawValue): \(message)"
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }

    /// The diagnostics sorted by location (those without one first), keeping one diagnostic per
    /// place and kind.
    ///
    /// A node reused through a YAML alias is checked once per use; this keeps the first report.
    public func sortedUnique() -> [Diagnostic] {
        var seen = Set<DiagnosticIdentity>()
        let unique = filter { diagnostic in
            let key = DiagnosticIdentity(
                severity: diagnostic.severity, code: diagnostic.code, location: diagnostic.location,
                message: diagnostic.location == nil ? diagnostic.message : nil)
            return seen.insert(key).inserted
        }
        return unique.enumerated().sorted { lhs, rhs in
            switch (lhs.element.location, rhs.element.location) {
            case (nil, nil): return lhs.offset < rhs.offset
            case (nil, _): return true
            case (_, nil): return false
            case (let left?, let right?):
                if left != right { return left < right }
                return lhs.offset < rhs.offset
            }
        }.map(\.element)
    }
}

/// What makes two diagnostics the same report: kind and place (message too when there is no place).
private struct DiagnosticIdentity: Hashable {
    var severity: Severity
    var code: DiagnosticCode
    var location: SourceLocation?
    var message: String?
}
