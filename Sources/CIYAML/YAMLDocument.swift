import CIBasics

/// A parsed YAML document: its root node and what the parser noticed along the way.
public struct YAMLDocument: Sendable {
    /// The root node, or nil when the input holds no node (empty, or only comments).
    public var root: Node?
    /// Things that are valid YAML but worth a warning, such as anchors never used.
    public var warnings: [YAMLWarning]
    /// Errors the parser recovered from so it could report more than one: duplicate keys (the
    /// first value is kept) and aliases to unknown or enclosing anchors (read as null). A document
    /// with errors is not valid YAML.
    public var errors: [YAMLError]
}

/// A warning from the parser.
public struct YAMLWarning: Sendable, Hashable {
    /// What was noticed.
    public var message: String
    /// Where.
    public var mark: Mark
    /// A stable name for the kind of warning.
    public var code: String

    /// Creates a warning.
    public init(code: String, message: String, at mark: Mark) {
        self.code = code
        self.message = message
        self.mark = mark
    }

    /// The warning as a diagnostic in the file at `path`.
    public func diagnostic(path: String) -> Diagnostic {
        .warning(DiagnosticCode(rawValue: code), message, at: mark.location(in: path))
    }
}

/// Entry points of the YAML parser.
public enum YAML {
    /// Parses one YAML document from UTF-8 bytes.
    ///
    /// Throws at the first error it cannot recover from; errors it can recover from are in the
    /// document's `errors`, so check them (or use `parseStrict`).
    ///
    /// Accepts the YAML workflows use (see docs/workflow-syntax.md): block and flow collections,
    /// every scalar style, comments, anchors and aliases, `---`/`...`, CRLF, a BOM. Rejects
    /// custom tags, complex keys and multi-document streams with a clear error.
    public static func parse(_ bytes: [UInt8], limits: YAMLLimits = .default) throws(YAMLError) -> YAMLDocument {
        guard bytes.count <= limits.maxInputBytes else {
            throw YAMLError(
                .tooLarge,
                "the input is \(bytes.count) bytes, larger than the limit of \(limits.maxInputBytes) bytes",
                at: Mark(line: 1, column: 1, offset: 0))
        }
        let input = try InputCheck.normalized(bytes)
        let result: Result<YAMLDocument, YAMLError> = input.withUnsafeBufferPointer { buffer in
            var parser = Parser(buffer: buffer, limits: limits)
            do throws(YAMLError) {
                return .success(try parser.parseStream())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses one YAML document from a string.
    public static func parse(_ text: String, limits: YAMLLimits = .default) throws(YAMLError) -> YAMLDocument {
        try parse(Array(text.utf8), limits: limits)
    }

    /// Parses one YAML document and throws its first error, recoverable or not.
    public static func parseStrict(_ bytes: [UInt8], limits: YAMLLimits = .default) throws(YAMLError) -> YAMLDocument {
        let document = try parse(bytes, limits: limits)
        if let first = document.errors.first { throw first }
        return document
    }
}
