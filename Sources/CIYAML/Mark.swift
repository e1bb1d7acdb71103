/// A position in a YAML input: 1-based line and column, and the byte offset.
///
/// Nodes carry marks rather than full `SourceLocation`s; `location(in:)` adds the file path.
public struct Mark: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, counted in Unicode scalars.
    public var column: Int
    /// The byte offset from the start of the input (after a BOM and line-break normalisation).
    public var offset: Int

    /// Creates a mark.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }

    /// Orders by offset.
    public static func < (lhs: Mark, rhs: Mark) -> Bool { lhs.offset < rhs.offset }
}
