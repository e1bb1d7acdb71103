import CIBasics
import OrderedCollections

/// `strategy` of a job.
public struct Strategy: Sendable, Hashable {
    /// `matrix`.
    public var matrix: Matrix?
    /// `fail-fast`: cancel the other matrix jobs when one fails. Default true.
    public var failFast: Setting<Bool>
    /// `max-parallel`: how many matrix jobs may run at once; nil means no limit.
    public var maxParallel: Setting<Double>?

    /// Creates a strategy with GitHub's defaults.
    public init(matrix: Matrix? = nil, failFast: Setting<Bool> = .value(true), maxParallel: Setting<Double>? = nil) {
        self.matrix = matrix
        self.failFast = failFast
        self.maxParallel = maxParallel
    }
}

/// `strategy.matrix`: written out, or one expression that yields it at run time.
public enum Matrix: Sendable, Hashable {
    /// `matrix: ${{ fromJSON(...) }}`.
    case expression(String)
    /// Axes with `include` and `exclude`.
    case definition(MatrixDefinition)
}

/// A written-out matrix.
public struct MatrixDefinition: Sendable, Hashable {
    /// The axes in the order written: name to values.
    public var axes: OrderedDictionary<String, MatrixAxis>
    /// `include` rows.
    public var include: MatrixRows?
    /// `exclude` rows.
    public var exclude: MatrixRows?

    /// Creates a matrix definition.
    public init(axes: OrderedDictionary<String, MatrixAxis> = [:], include: MatrixRows? = nil, exclude: MatrixRows? = nil) {
        self.axes = axes
        self.include = include
        self.exclude = exclude
    }
}

/// The values of one matrix axis.
public enum MatrixAxis: Sendable, Hashable {
    /// Values written out.
    case values([JSONValue])
    /// An expression that yields the values.
    case expression(String)
}

/// `include` or `exclude` rows.
public enum MatrixRows: Sendable, Hashable {
    /// Rows written out: each a mapping of names to values (or an expression that yields one).
    case rows([JSONValue])
    /// An expression that yields the rows.
    case expression(String)
}
