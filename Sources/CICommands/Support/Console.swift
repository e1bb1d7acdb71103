import CIBasics
import CIEngine
import Foundation
import Synchronization

/// Where a command writes: standard output and error, or memory for tests.
///
/// Commands never call `print`; they write through a console, so tests can run them in-process
/// and read what they wrote.
public struct Console: Sendable {
    /// The two output streams.
    public enum Stream: Sendable {
        /// Standard output: the command's result.
        case output
        /// Standard error: diagnostics about running the command.
        case error
    }

    private let sink: @Sendable (Stream, String) -> Void
    /// Styling for standard output.
    public let outputStyle: TextStyle
    /// Styling for standard error.
    public let errorStyle: TextStyle
    /// Whether standard output is a terminal.
    public let outputIsTerminal: Bool
    /// Standard output as a byte stream, for reporters.
    public let outputStream: ByteSink

    /// Creates a console from a sink.
    public init(
        outputStyle: TextStyle, errorStyle: TextStyle, outputIsTerminal: Bool = false, outputStream: ByteSink? = nil,
        sink: @escaping @Sendable (Stream, String) -> Void
    ) {
        self.outputStyle = outputStyle
        self.errorStyle = errorStyle
        self.outputIsTerminal = outputIsTerminal
        self.outputStream = outputStream ?? ByteSink { bytes in sink(.output, String(decoding: bytes, as: UTF8.self)) }
        self.sink = sink
    }

    /// The process's standard streams, coloured when they are terminals and `NO_COLOR` is unset.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> Console {
        Console(
            outputStyle: .forFileDescriptor(STDOUT_FILENO, environment: environment),
            errorStyle: .forFileDescriptor(STDERR_FILENO, environment: environment),
            outputIsTerminal: isatty(STDOUT_FILENO) == 1,
            outputStream: .standardOutput
        ) { stream, text in
            let handle = stream == .output ? FileHandle.standardOutput : FileHandle.standardError
            handle.write(Data(text.utf8))
        }
    }

    /// Writes `text` to standard output as is.
    public func write(_ text: String) { sink(.output, text) }
    /// Writes a line to standard output.
    public func line(_ text: String = "") { sink(.output, text + "\n") }
    /// Writes a line to standard error.
    public func errorLine(_ text: String) { sink(.error, text + "\n") }
}

/// A console that keeps what is written, for tests.
public final class CapturedConsole: Sendable {
    private let buffers = Mutex<(output: String, error: String)>(("", ""))

    /// Creates an empty capture.
    public init() {}

    /// The console that writes into this capture, without colour.
    public var console: Console {
        Console(outputStyle: .plain, errorStyle: .plain) { [self] stream, text in
            buffers.withLock { value in
                if stream == .output { value.output += text } else { value.error += text }
            }
        }
    }

    /// Everything written to standard output.
    public var output: String { buffers.withLock { $0.output } }
    /// Everything written to standard error.
    public var error: String { buffers.withLock { $0.error } }
}
