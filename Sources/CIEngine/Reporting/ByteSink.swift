import CIBasics

#if canImport(Glibc)
    import Glibc
#endif

/// Where a reporter writes: a file descriptor (all bytes, retrying on EINTR), or a closure (for
/// tests and for consoles that capture).
public struct ByteSink: Sendable {
    private enum Target: Sendable {
        case descriptor(Int32)
        case closure(@Sendable ([UInt8]) -> Void)
    }
    private let target: Target

    /// Standard output.
    public static let standardOutput = ByteSink(descriptor: 1)
    /// Standard error.
    public static let standardError = ByteSink(descriptor: 2)

    /// Creates a stream on a descriptor.
    public init(descriptor: Int32) { target = .descriptor(descriptor) }

    /// Creates a stream that hands every write to `sink`.
    public init(_ sink: @escaping @Sendable ([UInt8]) -> Void) { target = .closure(sink) }

    /// Writes raw bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        switch target {
        case .closure(let sink):
            sink(Array(bytes))
        case .descriptor(let descriptor):
            Files.writeAll(bytes, to: descriptor)
        }
    }

    /// Writes bytes.
    public func write(_ bytes: [UInt8]) {
        if case .closure(let sink) = target { return sink(bytes) }
        bytes.withUnsafeBytes { write($0) }
    }

    /// Writes a string.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }
}
