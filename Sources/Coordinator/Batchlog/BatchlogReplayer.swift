import KVCore
import Messaging

/// Replays the batches of this node's batchlog whose coordinator did not remove them in time
/// (it died, or a mutation failed): Cassandra's `BatchlogManager.replayFailedBatches`.
///
/// A pass takes every batch stored at least `replayTimeoutMillis` ago (Cassandra: twice the
/// write timeout, so a coordinator still applying it has finished or given up), writes each
/// of its mutations to every replica of the current ring (a hint for a replica that is down
/// or does not acknowledge), and then deletes the batch. A batch with a mutation that reached
/// neither its replica nor a hint for it (hints off, or refused), or whose replicas the
/// node's view of the ring does not all place yet, stays for the next pass. As in Cassandra,
/// mutations of keyspaces or tables dropped since are skipped, and so are those of a batch
/// stored longer ago than its table's `gc_grace_seconds` (replaying them could resurrect data
/// whose tombstones compaction has purged). Thread-safe; owns no task: run `run()` in a
/// service group and cancel it to stop.
public final class BatchlogReplayer: Sendable {
    /// Cassandra's replay interval.
    public static let defaultInterval = Duration.seconds(10)

    private let store: BatchlogStore
    private let coordinator: StorageCoordinator
    private let replayTimeoutMillis: Int64
    private let interval: Duration
    private let sleepClock: any _Concurrency.Clock<Duration>
    let replication: @Sendable (String) async -> KeyspaceReplication?
    let gcGraceSeconds: @Sendable (TableID) async -> Int64?
    private let onProblem: @Sendable (String) -> Void

    /// - Parameters:
    ///   - coordinator: writes the mutations (with its hint store for missed replicas).
    ///   - replication: the current replication of a keyspace; nil when it no longer exists.
    ///   - gcGraceSeconds: a table's `gc_grace_seconds`; nil when it no longer exists.
    ///   - sleepClock: what `run()` sleeps on between passes (a virtual clock in the simulator).
    public init(store: BatchlogStore, coordinator: StorageCoordinator, replayTimeoutMillis: Int64,
                interval: Duration = BatchlogReplayer.defaultInterval,
                sleepClock: any _Concurrency.Clock<Duration> = ContinuousClock(),
                replication: @escaping @Sendable (String) async -> KeyspaceReplication?,
                gcGraceSeconds: @escaping @Sendable (TableID) async -> Int64? = { _ in .max },
                onProblem: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.coordinator = coordinator
        self.replayTimeoutMillis = replayTimeoutMillis
        self.interval = interval
        self.sleepClock = sleepClock
        self.replication = replication
        self.gcGraceSeconds = gcGraceSeconds
        self.onProblem = onProblem
    }

    /// A pass every `interval`, the first at once, until the task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await replayOnce()
            do { try await sleepClock.sleep(for: interval) } catch { return }
        }
    }

    /// One pass over the batches that are due, oldest first.
    @discardableResult
    public func replayOnce() async -> BatchlogReplayReport {
        var report = BatchlogReplayReport()
        for id in store.ids(olderThanMillis: replayTimeoutMillis) {
            guard !Task.isCancelled else { break }
            switch await replay(id) {
            case .replayed: report.replayed += 1
            case .kept: report.kept += 1
            case .setAside: report.setAside += 1
            case .gone: break
            }
        }
        return report
    }

    enum Outcome { case replayed, kept, setAside, gone }

    private func replay(_ id: BatchID) async -> Outcome {
        let batch: LoggedBatch
        do {
            batch = try BatchlogCodec.decodeBatch(try store.payload(of: id))
        } catch let error as BatchlogStoreError {
            if case .notFound = error { return .gone }  // removed by its coordinator meanwhile
            if case .corrupt = error { return .setAside }
            onProblem("batchlog: cannot read batch \(id): \(error)")
            return .kept
        } catch {
            store.setAside(id, reason: "undecodable: \(error)")
            return .setAside
        }
        let writes = await replayable(batch, ageSeconds: store.ageMillis(of: id).map { $0 / 1000 } ?? 0)
        // All mutations at once, as Cassandra sends them: one slow replica costs one timeout
        // per batch, not one per mutation. A batch is bounded by batch_size_fail_threshold.
        let complete = await withTaskGroup(of: Bool.self) { group -> Bool in
            for (mutation, replication) in writes {
                group.addTask { await self.coordinator.writeToAllReplicas(mutation, replication: replication) }
            }
            var complete = true
            for await delivered in group { complete = complete && delivered }
            return complete
        }
        guard complete else { return .kept }
        do { try store.remove(id) } catch { onProblem("batchlog: cannot remove replayed batch \(id): \(error)") }
        return .replayed
    }
}

extension BatchlogReplayer {
    /// The batch's mutations to write, each with its keyspace's replication: those of dropped
    /// keyspaces and tables, and those older than their table's gc grace, left out.
    func replayable(_ batch: LoggedBatch, ageSeconds: Int64) async -> [(Mutation, KeyspaceReplication)] {
        var writes: [(Mutation, KeyspaceReplication)] = []
        for group in batch.groups {
            guard let replication = await replication(group.keyspace) else { continue }
            for mutation in group.mutations {
                guard let grace = await gcGraceSeconds(mutation.table), ageSeconds < grace else { continue }
                writes.append((mutation, replication))
            }
        }
        return writes
    }
}

/// What one replay pass did.
public struct BatchlogReplayReport: Sendable, Equatable {
    /// Batches whose every mutation reached every replica or a hint for it, then deleted.
    public var replayed = 0
    /// Batches kept for the next pass (a replica neither acknowledged nor got a hint).
    public var kept = 0
    /// Damaged or undecodable batches renamed `.corrupt`.
    public var setAside = 0

    public init(replayed: Int = 0, kept: Int = 0, setAside: Int = 0) {
        self.replayed = replayed
        self.kept = kept
        self.setAside = setAside
    }
}
