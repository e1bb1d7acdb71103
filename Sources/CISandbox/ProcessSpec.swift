#if canImport(Glibc)
    import Glibc
#endif

/// What to start: an executable, its arguments, its environment and directory, and limits.
public struct ProcessSpec: Sendable, Hashable {
    /// The program: an absolute path, or a name looked up in the `PATH` of `environment`.
    public var executable: String
    /// The arguments after the program name.
    public var arguments: [String]
    /// The complete environment (nothing is inherited).
    public var environment: [String: String]
    /// The working directory.
    public var workingDirectory: String
    /// Resource limits to set in the child.
    public var limits: [ResourceLimit]

    /// Creates a spec.
    public init(
        executable: String, arguments: [String] = [], environment: [String: String] = [:], workingDirectory: String,
        limits: [ResourceLimit] = []
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.limits = limits
    }

    /// The absolute path of the executable, searching `PATH` when it has no `/`.
    public func resolvedExecutable() -> String? {
        if executable.contains("/") { return access(executable, X_OK) == 0 ? executable : nil }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// A resource limit (`setrlimit`).
public struct ResourceLimit: Sendable, Hashable {
    /// Which resource.
    public enum Resource: Sendable, Hashable {
        /// Open files (`RLIMIT_NOFILE`).
        case openFiles
        /// Processes of the user (`RLIMIT_NPROC`).
        case processes
        /// Core dump size (`RLIMIT_CORE`).
        case coreSize
        /// Largest file that may be written (`RLIMIT_FSIZE`).
        case fileSize

        /// The Linux resource numbers (the same on x86-64 and arm64).
        var rawValue: Int32 {
            switch self {
            case .openFiles: 7
            case .processes: 6
            case .coreSize: 4
            case .fileSize: 1
            }
        }
    }

    /// Which resource.
    public var resource: Resource
    /// The soft and hard limit.
    public var value: UInt64

    /// Creates a limit.
    public init(_ resource: Resource, _ value: UInt64) {
        self.resource = resource
        self.value = value
    }
}
