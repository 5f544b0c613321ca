#if canImport(Glibc)
import Glibc
#endif

/// A dedicated OS thread running one closure (the engine's flush and compaction workers:
/// long blocking I/O does not belong on Swift's cooperative pool).
final class BackgroundThread: @unchecked Sendable {
    // `thread` is written once in init and read once in join.
    private var thread = pthread_t()

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts a thread running `body`; `name` is for diagnostics.
    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let result = pthread_create(&thread, nil, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        precondition(result == 0, "pthread_create failed: \(result)")
    }

    /// Waits for the closure to return.
    func join() { pthread_join(thread, nil) }
}
