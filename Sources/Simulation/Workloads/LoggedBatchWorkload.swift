import Coordinator
import KVCore
import Synchronization

/// Clients write logged batches at QUORUM, each setting `keysPerBatch` fresh keys (each its
/// own partition) to one value, while coordinators crash and links fail, and a share of the
/// batches are abandoned by their coordinator after the first mutation (see
/// `SimulationEnvironment.batchCoordinatorDeathChance`). Once the cluster is
/// healed and every batchlog has been replayed, reads at ALL must find every batch whole or
/// not at all, and every acknowledged batch whole; a batch answered Unavailable must be on
/// no replica.
final class LoggedBatchWorkload: Workload {
    static let keysPerBatch = 3
    /// How long the check waits for the batchlogs to empty (virtual time).
    static let replayWait = Duration.seconds(30)

    private struct Batch {
        var keys: [String]
        var value: UInt64
        /// The coordinator's node and what it answered, for violation messages.
        var coordinator = -1
        var outcome = "no answer yet"
    }

    private struct State {
        var attempted: [UInt64: Batch] = [:]
        var acknowledged: Set<UInt64> = []
        var unavailable: [Batch] = []
    }

    private let cluster: SimulatedCluster
    private let state = Mutex(State())
    private let outcomes = OutcomeCounters()

    init(cluster: SimulatedCluster) { self.cluster = cluster }

    func runClients(count: Int, until deadline: VirtualClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<count {
                group.addTask { await self.runClient(client, until: deadline) }
            }
        }
    }

    private func runClient(_ client: Int, until deadline: VirtualClock.Instant) async {
        var sequence = 0
        while cluster.environment.virtualClock.now < deadline {
            sequence += 1
            var batch = Batch(keys: (0..<Self.keysPerBatch).map { "b\(client)-\(sequence)-\($0)" },
                              value: UInt64(client) << 32 | UInt64(sequence))
            let node = cluster.randomNode()
            batch.coordinator = node.index
            state.withLock { [batch] in $0.attempted[batch.value] = batch }
            let outcome = await cluster.writeLoggedBatch(batch.keys, value: batch.value, via: node)
            outcomes.count("batch", outcome)
            state.withLock { $0.attempted[batch.value]?.outcome = "\(outcome)" }
            switch outcome {
            case .succeeded: state.withLock { _ = $0.acknowledged.insert(batch.value) }
            case .failed(.unavailable): state.withLock { $0.unavailable.append(batch) }
            default: break
            }
            await cluster.think()
        }
    }

    func check() async {
        await waitForBatchlogReplays()
        let (attempted, acknowledged) = state.withLock { ($0.attempted, $0.acknowledged) }
        var partial = 0, lost = 0, completedUnacknowledged = 0
        for batch in attempted.values.sorted(by: { $0.value < $1.value }) {
            var present: [String] = []
            for key in batch.keys {
                guard let found = await cluster.finalRead(key) else { return }
                if found == batch.value { present.append(key) }
            }
            if !present.isEmpty, present.count < batch.keys.count {
                partial += 1
                cluster.log.violation("batch \(batch.value) via node \(batch.coordinator) (\(batch.outcome)) applied in part: "
                                      + "only \(present) of \(batch.keys) at ALL")
            } else if present.isEmpty, acknowledged.contains(batch.value) {
                lost += 1
                cluster.log.violation("acknowledged batch \(batch.value) lost: none of \(batch.keys) at ALL")
            } else if !present.isEmpty, !acknowledged.contains(batch.value) {
                completedUnacknowledged += 1  // finished after its answer, or by a batchlog replay
            }
        }
        outcomes.add("unacknowledged batches found whole", completedUnacknowledged)
        outcomes.add("batches applied in part", partial)
        outcomes.add("acknowledged batches lost", lost)
    }

    /// Waits until no node holds a batchlog entry: every batch whose coordinator failed has
    /// been replayed (or the wait ran out, a violation).
    private func waitForBatchlogReplays() async {
        let clock = cluster.environment.virtualClock
        let deadline = clock.now.advanced(by: Self.replayWait)
        while cluster.batchlogEntryCount > 0 {
            guard clock.now < deadline else {
                cluster.log.violation("\(cluster.batchlogEntryCount) batchlog entries left \(Self.replayWait) after healing")
                return
            }
            try? await clock.sleep(for: .milliseconds(200))
        }
    }

    var unavailableWrites: [(key: String, value: UInt64)] {
        state.withLock { $0.unavailable.flatMap { batch in batch.keys.map { ($0, batch.value) } } }
    }

    var counters: [String: Int] { outcomes.snapshot }
}

extension SimulatedCluster {
    /// Writes `value` to every key of `keys` in one logged batch at QUORUM.
    func writeLoggedBatch(_ keys: [String], value: UInt64, via node: SimulatedNode) async -> OperationOutcome<Void> {
        guard let coordinator = node.coordinator else { return .unknown }
        let timestamp = coordinator.nextTimestamp()
        let mutations = keys.map { key in
            let cell = Cell.live(column: Self.valueColumn, timestamp: timestamp, value: Self.encode(value))
            return Mutation(table: environment.table,
                            update: PartitionUpdate(partitionKey: Self.storageKey(key), rows: [Row(clustering: [], cells: [cell])]))
        }
        let incarnation = node.incarnation
        let outcome: OperationOutcome<Void>
        do throws(CoordinatorError) {
            try await coordinator.writeBatch([KeyspaceMutations(replication: environment.replication, mutations: mutations)],
                                             logged: true, consistency: .quorum)
            outcome = .succeeded(())
        } catch .invalid(SimulationEnvironment.batchCoordinatorDeath) {
            return .unknown  // its client saw the connection drop
        } catch {
            outcome = .failed(error.unwrapped)
        }
        return node.incarnation == incarnation ? outcome : .unknown
    }
}
