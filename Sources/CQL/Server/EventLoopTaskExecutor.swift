import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// Tasks that prefer it stay on the loop's thread: the server runs each request's task on its
/// connection's loop, and the bench runs its workers on their connections' loops. An await
/// that completes a promise on the loop then resumes the waiting task on the same thread
/// instead of waking one of Swift's global pool (perf: both processes spent most of their
/// time in futex and context switches before).
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the only state is the loop, which is Sendable.
    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { unownedJob.runSynchronously(on: executor) }
    }

    /// One executor per loop of `group`.
    public static func all(of group: any EventLoopGroup) -> [EventLoopTaskExecutor] {
        group.makeIterator().map { EventLoopTaskExecutor(eventLoop: $0) }
    }
}
