extension ExpressionValue {
    /// JavaScript's abstract equality coercion, without converting objects to primitives: a string
    /// meeting a number becomes a number; null and booleans become numbers.
    static func coerced(_ left: ExpressionValue, _ right: ExpressionValue) -> (ExpressionValue, ExpressionValue) {
        switch (left, right) {
        case (.null, .null), (.boolean, .boolean), (.number, .number), (.string, .string), (.array, .array), (.object, .object):
            return (left, right)
        case (.number, .string):
            return (left, .number(right.numberValue))
        case (.string, .number):
            return (.number(left.numberValue), right)
        case (.null, _), (.boolean, _):
            return coerced(.number(left.numberValue), right)
        case (_, .null), (_, .boolean):
            return coerced(left, .number(right.numberValue))
        default:
            return (left, right)
        }
    }

    /// `==`: loose equality, case-insensitive for strings, NaN equal to nothing, identity for arrays and objects.
    public static func looselyEquals(_ lhs: ExpressionValue, _ rhs: ExpressionValue) -> Bool {
        switch coerced(lhs, rhs) {
        case (.null, .null): return true
        case (.number(let a), .number(let b)): return !a.isNaN && !b.isNaN && a == b
        case (.string(let a), .string(let b)): return stringsEqual(a, b)
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.array(let a), .array(let b)): return a === b
        case (.object(let a), .object(let b)): return a === b
        default: return false
        }
    }

    /// `>`: numbers and (case-insensitively) strings compare; `true > false`; anything else is false.
    public static func greaterThan(_ lhs: ExpressionValue, _ rhs: ExpressionValue) -> Bool {
        switch coerced(lhs, rhs) {
        case (.number(let a), .number(let b)): return !a.isNaN && !b.isNaN && a > b
        case (.string(let a), .string(let b)): return stringLess(b, a)
        case (.boolean(let a), .boolean(let b)): return a && !b
        default: return false
        }
    }

    /// `<`: the mirror of `greaterThan`.
    public static func lessThan(_ lhs: ExpressionValue, _ rhs: ExpressionValue) -> Bool {
        switch coerced(lhs, rhs) {
        case (.number(let a), .number(let b)): return !a.isNaN && !b.isNaN && a < b
        case (.string(let a), .string(let b)): return stringLess(a, b)
        case (.boolean(let a), .boolean(let b)): return !a && b
        default: return false
        }
    }

    /// Strings equal without regard to case, as GitHub compares them (`upperSpecial` of both);
    /// ASCII strings are compared on their bytes.
    static func stringsEqual(_ a: String, _ b: String) -> Bool {
        if let equal = ASCIICaseFolding.equal(a, b) { return equal }
        return upperSpecial(a) == upperSpecial(b)
    }

    /// `a < b` without regard to case, as GitHub orders strings (`upperSpecial` of both, by UTF-16
    /// code units); ASCII strings are compared on their bytes.
    static func stringLess(_ a: String, _ b: String) -> Bool {
        if let order = ASCIICaseFolding.compare(a, b) { return order < 0 }
        return utf16Less(upperSpecial(a), upperSpecial(b))
    }

    /// JavaScript string ordering: by UTF-16 code units.
    static func utf16Less(_ a: String, _ b: String) -> Bool {
        a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    /// Upper-cases as GitHub does for comparisons: every character except the dotless `ı`.
    public static func upperSpecial(_ text: String) -> String {
        guard text.contains("ı") else { return text.uppercased() }
        return text.split(separator: "ı", omittingEmptySubsequences: false).map { $0.uppercased() }.joined(separator: "ı")
    }
}
