#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Puts the bench's own threads under Linux's SCHED_BATCH policy. A load generator shares
/// the machine with the node it measures; under the default policy each response that wakes
/// a bench thread preempts the node mid-batch, and both sides pay for the extra switches
/// (perf: 0.12 context switches per read at 16 in flight, 0.01 with SCHED_BATCH, and about
/// 10% more reads per second). SCHED_BATCH keeps the bench's share of CPU and priority; it
/// only stops its wake-ups from preempting. The node is left as it is.
public enum BatchScheduling {
    /// SCHED_BATCH of <linux/sched.h>; Swift's Glibc module leaves it out (it needs _GNU_SOURCE).
    static let batchPolicy: Int32 = 3

    /// Applies SCHED_BATCH to every thread of this process (threads started later inherit
    /// it). False where the policy is unavailable or was refused.
    @discardableResult
    public static func apply() -> Bool {
        #if os(Linux)
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return false }
        return threads.compactMap { pid_t($0) }.reduce(true) { appliedToAll, thread in apply(toThread: thread) && appliedToAll }
        #else
        return false
        #endif
    }

    #if os(Linux)
    /// Applies SCHED_BATCH to one thread (its kernel thread id; 0 is the calling thread).
    static func apply(toThread thread: pid_t) -> Bool {
        var parameters = sched_param(sched_priority: 0)
        return sched_setscheduler(thread, batchPolicy, &parameters) == 0
    }
    #endif
}
