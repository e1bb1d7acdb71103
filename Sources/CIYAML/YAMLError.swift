import CIBasics

/// A YAML input that could not be parsed: what is wrong, how to fix it, and where.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem. Open-ended: new kinds may be added.
    public struct Code: RawRepresentable, Hashable, Sendable {
        /// The code's text, such as `yaml-syntax`.
        public var rawValue: String
        /// Creates a code.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The input is not valid YAML.
        public static let syntax = Code(rawValue: "yaml-syntax")
        /// A key appears twice in one mapping.
        public static let duplicateKey = Code(rawValue: "yaml-duplicate-key")
        /// `*name` names no anchor defined before it.
        public static let unknownAnchor = Code(rawValue: "yaml-unknown-anchor")
        /// `*name` is inside the node `&name` is on.
        public static let recursiveAlias = Code(rawValue: "yaml-recursive-alias")
        /// Valid YAML that workflows do not use: custom tags, complex keys, several documents.
        public static let unsupported = Code(rawValue: "yaml-unsupported")
        /// The input is larger than the size limit.
        public static let tooLarge = Code(rawValue: "yaml-too-large")
        /// Nesting is deeper than the depth limit.
        public static let tooDeep = Code(rawValue: "yaml-too-deep")
        /// Alias expansion produces more nodes than the node limit.
        public static let tooManyNodes = Code(rawValue: "yaml-too-many-nodes")
        /// The input is not UTF-8 or contains characters YAML forbids.
        public static let encoding = Code(rawValue: "yaml-encoding")
    }

    /// The kind of problem.
    public var code: Code
    /// What is wrong and how to fix it.
    public var message: String
    /// Where the problem is.
    public var mark: Mark

    /// Creates an error.
    public init(_ code: Code, _ message: String, at mark: Mark) {
        self.code = code
        self.message = message
        self.mark = mark
    }

    /// `line:column: message`.
    public var description: String { "\(mark): \(message)" }

    /// The error as a diagnostic in the file at `path`.
    public func diagnostic(path: String) -> Diagnostic {
        .error(DiagnosticCode(rawValue: code.rawValue), message, at: mark.location(in: path))
    }
}

extension Mark {
    /// This mark in the file at `path`.
    public func location(in path: String) -> SourceLocation {
        SourceLocation(file: path, line: line, column: column)
    }
}
