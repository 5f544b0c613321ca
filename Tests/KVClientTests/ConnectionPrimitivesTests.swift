@testable import KVClient
import Testing

/// The pure pieces of the connection layer: stream ids and reconnection backoff.
@Suite struct ConnectionPrimitivesTests {
    @Test func streamIDsAreBoundedAndReused() {
        var pool = StreamIDPool(capacity: 3)
        let ids = [pool.acquire(), pool.acquire(), pool.acquire()]
        #expect(ids == [0, 1, 2])
        #expect(pool.acquire() == nil)
        #expect(pool.inUseCount == 3)
        pool.release(1)
        #expect(pool.acquire() == 1)
        #expect(pool.acquire() == nil)
    }

    @Test func fullRangeOfStreamIDs() {
        var pool = StreamIDPool(capacity: 32_768)
        var last: Int16 = -1
        while let id = pool.acquire() { last = id }
        #expect(last == Int16.max)
        #expect(pool.inUseCount == 32_768)
    }

    @Test func backoffDoublesUpToTheMaximumAndResets() {
        var backoff = ReconnectionBackoff(baseDelayMs: 100, maxDelayMs: 1000)
        #expect(backoff.mayAttempt(now: 0))
        backoff.recordFailure(now: 0)
        #expect(!backoff.mayAttempt(now: 99_999_999))
        #expect(backoff.mayAttempt(now: 100_000_000))
        backoff.recordFailure(now: 0)
        #expect(backoff.retryAtNanoseconds == 200_000_000)
        for _ in 0..<10 { backoff.recordFailure(now: 0) }
        #expect(backoff.retryAtNanoseconds == 1_000_000_000)
        backoff.recordSuccess()
        #expect(backoff.mayAttempt(now: 0))
        #expect(backoff.delay(afterFailures: 1000) == 1_000_000_000)
    }
}
