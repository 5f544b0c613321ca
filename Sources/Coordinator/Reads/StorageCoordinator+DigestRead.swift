import KVCore
import Synchronization

/// Digest reads (DESIGN §6): a single-partition read asks the closest replica for data and
/// the others the level needs for digests; when every digest matches the data, the data is
/// the answer after one round trip and one data transfer. On a mismatch, every replica that
/// answered is read in full, the answers reconciled and the stale replicas repaired before
/// answering (the full-data `read(_:from:targets:consistency:view:)`). Range reads stay
/// full-data, as in Cassandra.
extension StorageCoordinator {
    /// Reads one partition at `consistency` through a digest round, then a full read if the
    /// replicas disagree.
    func digestRead(_ command: ReadCommand, from selection: ReplicaSelection, consistency: ConsistencyLevel,
                    view: ClusterView) async throws(CoordinatorError) -> ReadResponse {
        let round = await runDigestRound(command, selection: selection, view: view)
        guard let data = round.data, round.isComplete else {
            throw Self.readError(consistency, received: round.answered.count, blockFor: selection.blockFor,
                                 failures: round.failures, dataPresent: round.data != nil)
        }
        guard round.hasMismatch else { return data.response }
        digestMismatches.wrappingAdd(1, ordering: .relaxed)
        return try await read(command, from: selection, targets: round.participants, consistency: consistency, view: view)
    }

    /// One replica's answer in a digest round.
    private struct RoundAnswer: Sendable {
        var ask: DigestReadRound.Ask
        var result: Result<ReadReply, ReadFailure>
    }

    /// Runs the round's requests until it is complete or nothing more can be asked. The
    /// speculative delay is waited on `sleepClock`; requests still out when the round
    /// completes are cancelled.
    private func runDigestRound(_ command: ReadCommand, selection: ReplicaSelection,
                                view: ClusterView) async -> DigestReadRound {
        var round = DigestReadRound(selection: selection, view: view)
        let payloads = [false, true].map { ReplicaMessageCodec.encode(command.digestOnly($0)) }
        await withTaskGroup(of: RoundAnswer?.self) { group in
            func send(_ asks: [DigestReadRound.Ask]) {
                for ask in asks {
                    let isDigest = ask.request == .digest
                    group.addTask {
                        RoundAnswer(ask: ask, result: await self.fetch(command.digestOnly(isDigest), payload: payloads[isDigest ? 1 : 0],
                                                                       from: ask.replica, view: view))
                    }
                }
            }
            send(round.start())
            if let delay = speculativeDelay(), round.canSpeculate {
                group.addTask { [sleepClock] in
                    try? await sleepClock.sleep(for: delay)
                    return nil
                }
            }
            for await event in group {
                if let answer = event {
                    switch answer.result {
                    case .success(let reply): round.receive(reply, from: answer.ask.replica)
                    case .failure(let failure): send(round.fail(failure, from: answer.ask.replica, request: answer.ask.request))
                    }
                } else if !Task.isCancelled {
                    let extra = round.speculate()
                    if !extra.isEmpty { speculativeRetries.wrappingAdd(1, ordering: .relaxed) }
                    send(extra)
                }
                if round.isComplete { break }
            }
            group.cancelAll()
        }
        return round
    }

    /// How long a read waits before asking one more replica, under the policy; nil: never.
    func speculativeDelay() -> Duration? {
        switch speculativeRetry {
        case .none:
            return nil
        case .fixed(let delay):
            return delay
        case .percentile(let percentile):
            let nanos = readLatencies.withLock { $0.delayNanos(percentile: percentile) }
            return .nanoseconds(Int64(clamping: nanos))
        }
    }

    /// Adds one replica round trip to the window a percentile policy reads (a clock that
    /// went backwards counts as zero).
    func recordReadLatency(startedNanos: UInt64, endedNanos: UInt64) {
        let nanos = endedNanos >= startedNanos ? endedNanos - startedNanos : 0
        readLatencies.withLock { $0.record(nanos: nanos) }
    }
}
