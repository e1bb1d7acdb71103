import CIBasics
import CIWorkflow
import Foundation

/// Finds and reads workflow files named on the command line.
public enum WorkflowFiles {
    /// A path that could not be used, and why.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// The path as given.
        public var path: String
        /// What is wrong with it.
        public var message: String
        /// `path: message`.
        public var description: String { "\(path): \(message)" }
    }

    /// The workflow files for `paths`: a file as is; a directory's `.github/workflows/*.yml|yaml`,
    /// or its own `*.yml|yaml` when it has no `.github/workflows`.
    public static func discover(_ paths: [String]) -> (files: [String], problems: [Problem]) {
        var files: [String] = []
        var problems: [Problem] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(Problem(path: path, message: "no such file or directory"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let nested = (path as NSString).appendingPathComponent(".github/workflows")
            var nestedIsDirectory: ObjCBool = false
            let folder = manager.fileExists(atPath: nested, isDirectory: &nestedIsDirectory) && nestedIsDirectory.boolValue ? nested : path
            let names = ((try? manager.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
                .sorted()
            if names.isEmpty {
                problems.append(Problem(path: path, message: "no workflow files (*.yml, *.yaml) in \(folder)"))
            }
            files += names.map { (folder as NSString).appendingPathComponent($0) }
        }
        return (files, problems)
    }

    /// Reads and loads one workflow file.
    public static func load(_ path: String, options: LoadOptions = LoadOptions()) -> Result<LoadResult, Problem> {
        guard let bytes = readBytes(path) else {
            return .failure(Problem(path: path, message: "cannot be read"))
        }
        return .success(WorkflowLoader.load(bytes, path: path, options: options))
    }

    /// Reads and loads every file in `paths`, several at a time (the files are independent), and
    /// keeps of each result what `keep` returns, so that the rest is freed as soon as a file is
    /// done. The results are in the order of `paths`.
    public static func loadAll<Kept: Sendable>(
        _ paths: [String], options: LoadOptions = LoadOptions(), keep: @escaping @Sendable (LoadResult) -> Kept
    ) -> [Result<Kept, Problem>] {
        let slots = Slots<Result<Kept, Problem>>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            slots.set(index, load(paths[index], options: options).map(keep))
        }
        return slots.values
    }

    /// The whole contents of a file, or nil when it cannot be opened or read.
    static func readBytes(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        let size = fstat(descriptor, &info) == 0 && info.st_size > 0 ? Int(info.st_size) : 0
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes += repeatElement(0, count: max(bytes.count, 4096)) }
            let read = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return -1 }
                return Foundation.read(descriptor, base + count, buffer.count - count)
            }
            if read < 0 && errno == EINTR { continue }
            guard read >= 0 else { return nil }
            if read == 0 { break }
            count += read
        }
        bytes.removeSubrange(count...)
        return bytes
    }
}

/// One value per index, each set once, from any thread.
private final class Slots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    /// Every value, in index order (all must be set).
    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return storage.compactMap { $0 }
    }
}
