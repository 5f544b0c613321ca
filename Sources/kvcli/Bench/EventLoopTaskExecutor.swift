import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// The bench's workers prefer these: a response completes its promise on the connection's
/// loop, and the worker waiting for it resumes on that same thread instead of being woken
/// on Swift's global pool, which cost a thread wake-up per request (perf: the bench process
/// spent most of its time in futex and context switches).
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: the only state is the loop, which is Sendable.
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { unownedJob.runSynchronously(on: executor) }
    }

    /// One executor per loop of `group`.
    static func all(of group: any EventLoopGroup) -> [EventLoopTaskExecutor] {
        group.makeIterator().map { EventLoopTaskExecutor(eventLoop: $0) }
    }
}
