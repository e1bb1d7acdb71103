#if canImport(Glibc)
    import Glibc
#endif

/// Making and removing directories with plain system calls: `mkdir` once per missing directory,
/// and `unlinkat` per entry when removing a tree (Foundation's FileManager looks up and stats
/// each path again, which costs a job with a few hundred step files milliseconds).
public enum Directories {
    /// A directory that could not be made or removed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The path.
        public var path: String
        /// Why (`strerror`).
        public var reason: String
        /// The verb of the message: `create` or `remove`.
        var action = "create"
        /// `cannot create PATH: REASON`.
        public var description: String { "cannot \(action) \(path): \(reason)" }

        init(path: String, reason: String, action: String = "create") {
            self.path = path
            self.reason = reason
            self.action = action
        }

        init(path: String, errno code: Int32, action: String) {
            self.init(path: path, reason: String(cString: strerror(code)), action: action)
        }
    }

    /// Creates `path` and its missing parents (`mkdir -p`), each with `mode` (less the umask).
    /// An existing directory is fine; an existing file is not.
    public static func create(_ path: String, mode: mode_t = 0o777) throws(Failure) {
        if mkdir(path, mode) == 0 { return }
        let error = errno
        if error == EEXIST {
            var info = stat()
            if stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR { return }
            throw Failure(path: path, errno: ENOTDIR, action: "create")
        }
        guard error == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            throw Failure(path: path, errno: error, action: "create")
        }
        try create(String(path[..<slash]), mode: mode)
        if mkdir(path, mode) != 0 && errno != EEXIST { throw Failure(path: path, errno: errno, action: "create") }
    }

    /// Removes `path` and, for a directory, everything in it (`rm -rf`): symbolic links are
    /// removed, never followed, and a directory a step made read-only is made writable first.
    /// A missing path is fine. Throws the first entry that could not be removed, after removing
    /// all it could.
    public static func remove(_ path: String) throws(Failure) {
        if unlink(path) == 0 || errno == ENOENT { return }
        guard errno == EISDIR || errno == EPERM else { throw Failure(path: path, errno: errno, action: "remove") }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw Failure(path: path, errno: errno, action: "remove") }
        var firstFailure: Failure?
        removeContents(of: descriptor, path: path, depth: 0, failure: &firstFailure)
        close(descriptor)
        if rmdir(path) != 0, errno != ENOENT, firstFailure == nil { firstFailure = Failure(path: path, errno: errno, action: "remove") }
        if let firstFailure { throw firstFailure }
    }

    /// Deeper trees than this are left (with an error) rather than risk the stack.
    static let maximumDepth = 4096

    private static func removeContents(of directory: Int32, path: String, depth: Int, failure: inout Failure?) {
        // Names first, then removals: a directory's listing is not changed while it is read.
        var entries: [(name: String, isDirectory: Bool?)] = []
        let copy = dup(directory)
        guard copy >= 0, let listing = fdopendir(copy) else {
            let code = errno
            if copy >= 0 { close(copy) }
            if failure == nil { failure = Failure(path: path, errno: code, action: "remove") }
            return
        }
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            entries.append((name, type == UInt8(DT_DIR) ? true : type == UInt8(DT_UNKNOWN) ? nil : false))
        }
        closedir(listing)
        var madeWritable = false
        // Unlinks `name` (with `flags`); a read-only directory (Go's module cache makes them) is
        // made writable once and the unlink tried again. True when it is gone.
        func unlink(_ name: String, _ flags: Int32) -> Bool {
            if unlinkat(directory, name, flags) == 0 || errno == ENOENT { return true }
            guard errno == EACCES, !madeWritable else { return false }
            madeWritable = true
            fchmod(directory, 0o700)
            return unlinkat(directory, name, flags) == 0
        }
        for (name, isDirectory) in entries {
            if isDirectory != true {
                if unlink(name, 0) { continue }
                guard errno == EISDIR else {
                    if failure == nil { failure = Failure(path: path + "/" + name, errno: errno, action: "remove") }
                    continue
                }
            }
            let child = path + "/" + name
            let descriptor = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0, depth < maximumDepth else {
                if failure == nil { failure = Failure(path: child, errno: descriptor >= 0 ? ELOOP : errno, action: "remove") }
                if descriptor >= 0 { close(descriptor) }
                continue
            }
            removeContents(of: descriptor, path: child, depth: depth + 1, failure: &failure)
            close(descriptor)
            if !unlink(name, AT_REMOVEDIR), failure == nil { failure = Failure(path: child, errno: errno, action: "remove") }
        }
    }
}

/// Writing small files with one `open` and `write` (Foundation's `Data.write` costs a job most
/// of a millisecond here).
public enum Files {
    /// Creates or truncates `file` (mode 0644 less the umask, or `mode`) and writes `bytes`.
    /// With `makingDirectory`, creates the file's directory when it is missing.
    public static func write(
        _ file: String, _ bytes: some Collection<UInt8>, mode: mode_t = 0o644, makingDirectory: Bool = false
    ) throws(Directories.Failure) {
        var descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if descriptor < 0, errno == ENOENT, makingDirectory, let slash = file.lastIndex(of: "/") {
            try Directories.create(String(file[..<slash]))
            descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        }
        guard descriptor >= 0 else { throw Directories.Failure(path: file, errno: errno, action: "create") }
        defer { close(descriptor) }
        let error = Array(bytes).withUnsafeBytes { writeAll($0, to: descriptor) }
        if error != 0 { throw Directories.Failure(path: file, errno: error, action: "write") }
    }

    /// Writes all of `bytes` to `descriptor`, retrying on EINTR; returns 0 or the errno that
    /// stopped it.
    @discardableResult
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32 {
        guard var base = bytes.baseAddress else { return 0 }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(descriptor, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            remaining -= written
            base += written
        }
        return 0
    }

    /// What `copy` found at the source.
    public enum Copied: Sendable, Equatable {
        /// A file (its bytes and permission bits) or a symbolic link (as a link) was copied.
        case copied
        /// The source is a directory: nothing was copied.
        case directory
        /// There is nothing at the source (or something that is neither a file, a link nor a
        /// directory): nothing was copied.
        case missing
    }

    /// Copies the file or symbolic link `source` to `target`, which must not exist, with plain
    /// system calls: `sendfile` for the bytes, the source's permission bits whatever the umask
    /// says, a link as a link (FileManager's `copyItem` also looks up the owner's and group's
    /// names, reading /etc/passwd and /etc/group for every file).
    @discardableResult
    public static func copy(_ source: String, to target: String) throws(Directories.Failure) -> Copied {
        var info = stat()
        guard lstat(source, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return .missing }
            throw Directories.Failure(path: source, errno: errno, action: "read")
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            return .directory
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: Int(info.st_size) + 1)
            let length = readlink(source, &buffer, buffer.count)
            guard length >= 0 else { throw Directories.Failure(path: source, errno: errno, action: "read") }
            // The link changed since lstat: its new target did not fit.
            guard length < buffer.count else { throw Directories.Failure(path: source, errno: EAGAIN, action: "read") }
            buffer[length] = 0
            guard symlink(buffer, target) == 0 else { throw Directories.Failure(path: target, errno: errno, action: "create") }
            return .copied
        case S_IFREG:
            let input = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard input >= 0 else { throw Directories.Failure(path: source, errno: errno, action: "read") }
            defer { close(input) }
            let permissions = info.st_mode & 0o7777
            let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
            guard output >= 0 else { throw Directories.Failure(path: target, errno: errno, action: "create") }
            defer { close(output) }
            var remaining = Int(info.st_size)
            while remaining > 0 {
                let sent = sendfile(output, input, nil, min(remaining, 1 << 30))
                if sent < 0, errno == EINTR { continue }
                if sent < 0, errno == EINVAL || errno == ENOSYS {
                    // A file system without sendfile: read and write the rest.
                    try copyBytes(from: input, to: output, path: target)
                    break
                }
                if sent < 0 { throw Directories.Failure(path: target, errno: errno, action: "write") }
                if sent == 0 { break }  // the file shrank while it was copied
                remaining -= sent
            }
            // The umask may have taken bits away.
            guard fchmod(output, permissions) == 0 else { throw Directories.Failure(path: target, errno: errno, action: "write") }
            return .copied
        default:
            return .missing
        }
    }

    /// Copies what is left of `input` to `output` with `read` and `write`.
    private static func copyBytes(from input: Int32, to output: Int32, path: String) throws(Directories.Failure) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw Directories.Failure(path: path, errno: errno, action: "read") }
            if count == 0 { return }
            let error = buffer.withUnsafeBytes { writeAll(UnsafeRawBufferPointer(rebasing: $0[..<count]), to: output) }
            if error != 0 { throw Directories.Failure(path: path, errno: error, action: "write") }
        }
    }

    /// Writes `text` as UTF-8 (see `write(_:_:mode:makingDirectory:)`).
    public static func write(_ file: String, text: String, mode: mode_t = 0o644) throws(Directories.Failure) {
        try write(file, text.utf8, mode: mode)
    }
}
