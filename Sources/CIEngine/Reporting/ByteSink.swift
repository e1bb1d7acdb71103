#if canImport(Glibc)
    import Glibc
#endif

/// Writes bytes to a file descriptor, all of them, retrying on EINTR.
public struct OutputStream: Sendable {
    /// The descriptor.
    public let descriptor: Int32

    /// Standard output.
    public static let standardOutput = OutputStream(descriptor: 1)
    /// Standard error.
    public static let standardError = OutputStream(descriptor: 2)

    /// Creates a stream on a descriptor.
    public init(descriptor: Int32) { self.descriptor = descriptor }

    /// Writes raw bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(descriptor, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            remaining -= written
            base += written
        }
    }

    /// Writes bytes.
    public func write(_ bytes: [UInt8]) { bytes.withUnsafeBytes { write($0) } }

    /// Writes a string.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }
}
