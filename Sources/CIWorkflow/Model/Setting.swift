import CIBasics

/// A workflow value that is either written literally or given by a `${{ }}` expression evaluated at run time.
public enum Setting<Value: Sendable & Hashable>: Sendable, Hashable {
    /// A literal value.
    case value(Value)
    /// An expression template such as `${{ matrix.experimental }}`, evaluated when the job runs.
    case expression(String)

    /// The literal value, if there is one.
    public var literal: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}

/// A located string: a value from the workflow and where it was written.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    /// The value.
    public var value: Value
    /// Where it was written.
    public var location: SourceLocation

    /// Creates a located value.
    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}
