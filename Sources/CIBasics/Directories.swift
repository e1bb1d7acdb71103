#if canImport(Glibc)
    import Glibc
#endif

/// Making directories with plain `mkdir` calls: one per missing directory, none for the parents
/// that exist (a job makes half a dozen before its first step).
public enum Directories {
    /// A directory that could not be made.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The directory.
        public var path: String
        /// Why (`strerror`).
        public var reason: String
        /// `cannot create PATH: REASON`.
        public var description: String { "cannot create \(path): \(reason)" }
    }

    /// Creates `path` and its missing parents (`mkdir -p`), each with `mode` (less the umask).
    /// An existing directory is fine; an existing file is not.
    public static func create(_ path: String, mode: mode_t = 0o777) throws(Failure) {
        if mkdir(path, mode) == 0 { return }
        let error = errno
        if error == EEXIST {
            var info = stat()
            if stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR { return }
            throw Failure(path: path, reason: String(cString: strerror(ENOTDIR)))
        }
        guard error == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            throw Failure(path: path, reason: String(cString: strerror(error)))
        }
        try create(String(path[..<slash]), mode: mode)
        if mkdir(path, mode) != 0 && errno != EEXIST { throw Failure(path: path, reason: String(cString: strerror(errno))) }
    }
}
