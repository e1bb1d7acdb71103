#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Keeps the recursive descent off the end of the caller's stack.
///
/// Each level of nesting costs the parser a few kilobytes of stack (several times more in a debug
/// build), and the parser may run on a thread with a small stack, such as a Swift concurrency
/// thread (512 KiB on Darwin). So the parser measures the stack it has used, and when a deep
/// document takes it past `initialBudget`, it carries on on a new thread with a large stack while
/// the calling thread waits. Ordinary documents never leave the caller's thread.
enum FreshStack {
    /// How much of the caller's stack the parser may use before it moves to a fresh stack.
    static let initialBudget = 128 * 1024
    /// The stack size of a fresh thread. Only the pages the parser touches are committed.
    static let size = 16 * 1024 * 1024
    /// How much of a fresh stack the parser may use before it moves again (deep limits chain threads).
    static let budget = size - 1024 * 1024

    /// The address of a local variable: where the stack is now.
    @inline(never)
    static func currentAddress() -> Int {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
    }

    /// Runs `body` on a new thread with a `size`-byte stack and waits for it to finish; `body` is
    /// told whether it runs on the fresh thread (false when no thread could be started, in which
    /// case it runs on the current one).
    static func run<T>(_ body: (Bool) -> T) -> T {
        withoutActuallyEscaping(body) { escapable in
            let task = Work { escapable(true) }
            // `start` joins the thread, so the result is set when it returns true.
            guard start(task), let result = task.result else { return escapable(false) }
            return result
        }
    }

    /// The work for the fresh thread and its result. Only one thread touches it at a time: the
    /// caller hands it over and waits in `pthread_join` until the fresh thread is done.
    private final class Work<T>: @unchecked Sendable {
        let body: () -> T
        var result: T?

        init(_ body: @escaping () -> T) { self.body = body }

        func execute() { result = body() }
    }

    /// Starts a thread that executes `task` and joins it; false when the thread could not start.
    private static func start<T>(_ task: Work<T>) -> Bool {
        #if canImport(Darwin) || canImport(Glibc) || canImport(Musl)
            var attributes = pthread_attr_t()
            guard pthread_attr_init(&attributes) == 0 else { return false }
            defer { pthread_attr_destroy(&attributes) }
            guard pthread_attr_setstacksize(&attributes, size) == 0 else { return false }
            let box = Unmanaged.passRetained(Executor(task.execute))
            #if canImport(Darwin)
                var thread: pthread_t?
                let status = pthread_create(
                    &thread, &attributes,
                    { raw in
                        Unmanaged<Executor>.fromOpaque(raw).takeRetainedValue().work()
                        return nil
                    }, box.toOpaque())
                guard status == 0, let thread else {
                    box.release()
                    return false
                }
                pthread_join(thread, nil)
            #else
                var thread = pthread_t()
                let status = pthread_create(
                    &thread, &attributes,
                    { raw in
                        if let raw { Unmanaged<Executor>.fromOpaque(raw).takeRetainedValue().work() }
                        return nil
                    }, box.toOpaque())
                guard status == 0 else {
                    box.release()
                    return false
                }
                pthread_join(thread, nil)
            #endif
            return true
        #else
            return false
        #endif
    }

    /// A type-erased task for the C thread entry point.
    private final class Executor: @unchecked Sendable {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }
}

extension Parser {
    /// Whether the parser has used its stack budget on this thread and should move to a fresh one.
    @inline(__always) func stackIsDeep() -> Bool {
        abs(stackBase - FreshStack.currentAddress()) > stackBudget
    }

    /// Runs `body` on a fresh thread with a large stack, with this parser, and returns what it returns.
    mutating func onFreshStack<T>(_ body: (inout Parser) throws(YAMLError) -> T) throws(YAMLError) -> T {
        let saved = (base: stackBase, budget: stackBudget)
        defer {
            stackBase = saved.base
            stackBudget = saved.budget
        }
        let result: Result<T, YAMLError> = FreshStack.run { onFreshThread in
            self.stackBase = FreshStack.currentAddress()
            // Without a fresh thread, carry on here rather than try again at every level.
            self.stackBudget = onFreshThread ? FreshStack.budget : Int.max
            do throws(YAMLError) {
                return .success(try body(&self))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
