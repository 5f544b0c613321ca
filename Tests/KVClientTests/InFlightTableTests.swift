import CQL
@testable import KVClient
import NIOCore
import NIOPosix
import Testing

/// The in-flight table: requests by stream id, expiry by deadline, orphaned ids.
@Suite struct InFlightTableTests {
    private let loop = MultiThreadedEventLoopGroup.singleton.next()

    private func entry(deadlineNs: UInt64) -> (InFlightTable.Entry, EventLoopFuture<DecodedResponse>) {
        let promise = loop.makePromise(of: DecodedResponse.self)
        return (InFlightTable.Entry(completion: .promise(promise), deadlineNs: deadlineNs, timeoutMs: 1,
                                    compressionOnReady: nil), promise.futureResult)
    }

    @Test func expiredRequestsAreOrphanedUntilTheirLateResponse() async throws {
        var table = InFlightTable()
        let (early, earlyFuture) = entry(deadlineNs: 100)
        let (late, lateFuture) = entry(deadlineNs: 200)
        table.insert(early, streamID: 3)
        table.insert(late, streamID: 0)
        #expect(table.expire(nowNs: 99).isEmpty)
        let expired = table.expire(nowNs: 150)
        #expect(expired.map(\.deadlineNs) == [100])
        #expect(table.orphanedCount == 1)
        // The late response frees the orphaned id without completing anything.
        guard case .orphaned = table.answer(streamID: 3) else { Issue.record("stream 3 not orphaned"); return }
        #expect(table.orphanedCount == 0)
        guard case .unknown = table.answer(streamID: 3) else { Issue.record("stream 3 answered twice"); return }
        guard case .waiting(let answered) = table.answer(streamID: 0) else { Issue.record("stream 0 lost"); return }
        #expect(answered.deadlineNs == 200)
        for entry in expired + [answered] { entry.completion.fail(.clientClosed) }
        await #expect(throws: KVClientError.clientClosed) { try await earlyFuture.get() }
        await #expect(throws: KVClientError.clientClosed) { try await lateFuture.get() }
    }

    @Test func removingAllKeepsOrphans() {
        var table = InFlightTable()
        let (first, _) = entry(deadlineNs: 10)
        let (second, _) = entry(deadlineNs: .max)
        table.insert(first, streamID: 1)
        table.insert(second, streamID: 2)
        let expired = table.expire(nowNs: 10)
        let removed = table.removeAllWaiting()
        #expect(removed.map(\.deadlineNs) == [.max])
        #expect(table.orphanedCount == 1)
        #expect(table.answer(streamID: 9).isUnknown)
        for entry in expired + removed { entry.completion.fail(.clientClosed) }
    }

    @Test func sweepIntervalIsATenthOfTheShortestTimeoutWithinBounds() {
        #expect(ClientConnectionHandler.sweepIntervalMs(forTimeoutsMs: [12_000, 5_000]) == 100)
        #expect(ClientConnectionHandler.sweepIntervalMs(forTimeoutsMs: [12_000, 300]) == 30)
        #expect(ClientConnectionHandler.sweepIntervalMs(forTimeoutsMs: [5, 0]) == 1)
        #expect(ClientConnectionHandler.sweepIntervalMs(forTimeoutsMs: [0, -1]) == 100)
    }
}

extension InFlightTable.Answered {
    fileprivate var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }
}
