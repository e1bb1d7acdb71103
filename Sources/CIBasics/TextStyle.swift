#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether output is decorated with ANSI colours.
///
/// Colour is used only when the stream is a terminal, `NO_COLOR` is unset or empty, and `TERM` is
/// not `dumb` (https://no-color.org).
public struct TextStyle: Sendable, Hashable {
    /// Whether to emit ANSI escape sequences.
    public var colored: Bool

    /// A style with or without colour.
    public init(colored: Bool) { self.colored = colored }

    /// Plain text, no escapes.
    public static let plain = TextStyle(colored: false)

    /// The style for a file descriptor, decided from `isatty`, `NO_COLOR` and `TERM`.
    public static func forFileDescriptor(_ descriptor: Int32, environment: [String: String]) -> TextStyle {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .plain }
        if environment["TERM"] == "dumb" { return .plain }
        return TextStyle(colored: isatty(descriptor) == 1)
    }

    /// ANSI colours used in diagnostics and tables.
    public enum Color: String, Sendable {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case blue = "34"
        case magenta = "35"
        case cyan = "36"
        case bold = "1"
        case dim = "2"
    }

    /// `text` wrapped in the escape for `color`, or `text` unchanged without colour.
    public func paint(_ text: String, _ color: Color) -> String {
        colored ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }
}
