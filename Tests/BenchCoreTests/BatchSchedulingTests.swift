#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
@testable import BenchCore

@Suite struct BatchSchedulingTests {
    #if os(Linux)
    /// On a thread of its own, so the test process's other threads keep their policy.
    @Test func aThreadUnderSchedBatchPassesThePolicyToThreadsItStarts() {
        let policies = Mutex<(own: Int32, applied: Bool, child: Int32)?>(nil)
        let thread = Thread {
            let applied = BatchScheduling.apply(toThread: 0)
            let own = sched_getscheduler(0)
            let childPolicy = Mutex<Int32?>(nil)
            let child = Thread { childPolicy.withLock { $0 = sched_getscheduler(0) } }
            child.start()
            while childPolicy.withLock({ $0 }) == nil { usleep(1_000) }
            policies.withLock { $0 = (own, applied, childPolicy.withLock { $0! }) }
        }
        thread.start()
        while policies.withLock({ $0 }) == nil { usleep(1_000) }
        let result = policies.withLock { $0! }
        #expect(result.applied)
        #expect(result.own == BatchScheduling.batchPolicy)
        #expect(result.child == BatchScheduling.batchPolicy, "a thread started afterwards inherits the policy")
        #expect(sched_getscheduler(0) != BatchScheduling.batchPolicy, "the test's own thread is untouched")
    }
    #endif
}
