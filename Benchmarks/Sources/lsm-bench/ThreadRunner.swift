#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Runs one benchmark body on N OS threads that start together (db_bench's threads wait for
/// each other before starting the clock), and collects each thread's result.
///
/// Plain threads, not tasks: each body blocks in the engine for its whole run, as
/// db_bench's threads do, and must not starve a cooperative pool.
enum ThreadRunner {
    /// Calls `body(threadIndex)` on `count` threads and returns the results by index. The
    /// body should call `waitForStart` (given) right before it starts its clock.
    static func run<Result: Sendable>(
        count: Int, _ body: @escaping @Sendable (_ threadIndex: Int, _ waitForStart: @Sendable () -> Void) -> Result
    ) -> [Result] {
        let shared = SharedRun<Result>(count: count, body: body)
        if count == 1 {
            shared.runThread(0)
            return shared.takeResults()
        }
        var threads: [pthread_t] = []
        for index in 0..<count {
            let context = Unmanaged.passRetained(ThreadContext(shared: shared, index: index)).toOpaque()
            threads.append(startThread(context))
        }
        for thread in threads { pthread_join(thread, nil) }
        return shared.takeResults()
    }

    private static func startThread(_ context: UnsafeMutableRawPointer) -> pthread_t {
        #if canImport(Glibc)
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            ThreadContext.start(argument!)
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed: \(status)")
        return thread
        #else
        var thread: pthread_t?
        let status = pthread_create(&thread, nil, { argument in
            ThreadContext.start(argument)
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed: \(status)")
        return thread!
        #endif
    }
}

/// The state shared by the threads of one run: the body, the start gate and the results.
private final class SharedRun<Result: Sendable>: Sendable {
    let count: Int
    let body: @Sendable (Int, @Sendable () -> Void) -> Result
    let ready = Atomic<Int>(0)
    let results: Mutex<[Result?]>

    init(count: Int, body: @escaping @Sendable (Int, @Sendable () -> Void) -> Result) {
        self.count = count
        self.body = body
        self.results = Mutex([Result?](repeating: nil, count: count))
    }

    func runThread(_ index: Int) {
        let result = body(index) { [self] in
            ready.add(1, ordering: .acquiringAndReleasing)
            while ready.load(ordering: .acquiring) < count { sched_yield() }
        }
        results.withLock { $0[index] = result }
    }

    func takeResults() -> [Result] {
        results.withLock { slots in slots.map { $0! } }
    }
}

/// What a new thread receives: erases `Result` so the C entry point can be a plain closure.
private final class ThreadContext: @unchecked Sendable {
    let run: () -> Void

    init<Result: Sendable>(shared: SharedRun<Result>, index: Int) {
        run = { shared.runThread(index) }
    }

    static func start(_ pointer: UnsafeMutableRawPointer) {
        let context = Unmanaged<ThreadContext>.fromOpaque(pointer).takeRetainedValue()
        context.run()
    }
}
