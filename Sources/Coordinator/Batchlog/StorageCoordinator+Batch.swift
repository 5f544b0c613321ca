import KVCore
import Messaging

/// Batches (Cassandra's `StorageProxy.mutateWithTriggers`): a logged batch over more than one
/// partition goes through the batchlog (`mutateAtomically`); any other batch is a plain
/// write of its mutations, whose timeouts name UNLOGGED_BATCH when it spans partitions.
extension StorageCoordinator {
    /// Writes a batch of mutations at `consistency`, atomically when `logged` and it spans
    /// more than one partition (and this node has a batchlog): then its mutations are applied
    /// all or none. An error before the batchlog write (Unavailable) applies none; once a
    /// batchlog holds the batch, every mutation eventually reaches every replica, whatever
    /// happens to this node. A BATCH_LOG timeout can mean either (one batchlog may hold it).
    public func writeBatch(_ groups: [KeyspaceMutations], logged: Bool,
                           consistency: ConsistencyLevel) async throws(CoordinatorError) {
        let partitions = KeyspaceMutations.partitionCount(groups)
        if logged, partitions > 1, let batchlog {
            try await writeLogged(groups, consistency: consistency, batchlog: batchlog)
            return
        }
        do throws(CoordinatorError) {
            for group in groups { try await write(group.mutations, replication: group.replication, consistency: consistency) }
        } catch {
            throw !logged && partitions > 1 ? Self.typed(error, as: .unloggedBatch) : error
        }
    }

    /// Cassandra's `mutateAtomically`: check every mutation can meet its level, store the
    /// batch in one or two batchlogs (all must acknowledge), apply the mutations, then
    /// remove the batchlog entries. A failure after the batchlog write leaves the entries,
    /// so their nodes replay the batch after the batchlog timeout.
    func writeLogged(_ groups: [KeyspaceMutations], consistency: ConsistencyLevel,
                     batchlog: BatchlogStore) async throws(CoordinatorError) {
        let view = self.view()
        // Nothing is logged for a batch that cannot be applied now (Unavailable at once).
        if consistency != .any { try checkAvailable(groups, consistency: consistency, view: view) }
        let endpoints = try BatchlogEndpoints.choose(view: view, consistency: consistency, random: random)
        let batch = LoggedBatch(id: .random(using: random),
                                groups: groups.map { LoggedBatch.Group(keyspace: $0.replication.keyspace, mutations: $0.mutations) })
        try await storeInBatchlogs(BatchlogCodec.encode(batch), id: batch.id, on: endpoints, view: view, batchlog: batchlog)
        do throws(CoordinatorError) {
            try await applyLogged(groups, consistency: consistency)
        } catch {
            throw Self.typed(error, as: .batch)
        }
        removeFromBatchlogs(batch.id, on: endpoints, view: view, batchlog: batchlog)
    }

    private func checkAvailable(_ groups: [KeyspaceMutations], consistency: ConsistencyLevel,
                                view: ClusterView) throws(CoordinatorError) {
        for group in groups {
            let map = replicaMap(group.replication, view: view)
            for mutation in group.mutations {
                _ = try ReplicaSelection(replicas: map.replicas(for: mutation.token), consistency: consistency, view: view,
                                         replication: group.replication)
            }
        }
    }

    /// Applies the groups one after another; under a failpoint only its first mutations, then halts.
    private func applyLogged(_ groups: [KeyspaceMutations], consistency: ConsistencyLevel) async throws(CoordinatorError) {
        guard let failpoint = batchFailpoint else {
            for group in groups { try await write(group.mutations, replication: group.replication, consistency: consistency) }
            return
        }
        var before: [KeyspaceMutations] = [], after: [KeyspaceMutations] = []
        var left = max(0, failpoint.mutationsBeforeHalt)
        for group in groups {
            let taken = min(left, group.mutations.count)
            left -= taken
            before.append(KeyspaceMutations(replication: group.replication, mutations: Array(group.mutations.prefix(taken))))
            after.append(KeyspaceMutations(replication: group.replication, mutations: Array(group.mutations.dropFirst(taken))))
        }
        for group in before where !group.mutations.isEmpty {
            try await write(group.mutations, replication: group.replication, consistency: consistency)
        }
        try failpoint.halt()
        for group in after where !group.mutations.isEmpty {
            try await write(group.mutations, replication: group.replication, consistency: consistency)
        }
    }

    /// Stores the batch on every endpoint; all must acknowledge (Cassandra's ONE for one
    /// endpoint, TWO for two), else WriteTimeout or WriteFailure of type BATCH_LOG.
    private func storeInBatchlogs(_ payload: [UInt8], id: BatchID, on endpoints: [HostID], view: ClusterView,
                                  batchlog: BatchlogStore) async throws(CoordinatorError) {
        let failures = await withTaskGroup(of: String?.self) { group -> [String] in
            for endpoint in endpoints {
                group.addTask { await self.storeInBatchlog(payload, id: id, on: endpoint, view: view, batchlog: batchlog) }
            }
            var failures: [String] = []
            for await case let failure? in group { failures.append(failure) }
            return failures
        }
        guard !failures.isEmpty else { return }
        let level: ConsistencyLevel = endpoints.count == 1 ? .one : .two
        let received = endpoints.count - failures.count
        let real = failures.filter { !$0.hasPrefix(Self.timedOut) }
        if real.isEmpty { throw .batch(.batchLog, .writeTimeout(level, received: received, blockFor: endpoints.count)) }
        throw .batch(.batchLog, .writeFailure(level, received: received, blockFor: endpoints.count, failures: real.count,
                                              reason: real[0]))
    }

    /// Nil on success, else why it failed (starting with `timedOut` for a timeout).
    private func storeInBatchlog(_ payload: [UInt8], id: BatchID, on endpoint: HostID, view: ClusterView,
                                 batchlog: BatchlogStore) async -> String? {
        if endpoint == view.localHost {
            do { try batchlog.store(id, payload: payload) } catch { return "\(error)" }
            return nil
        }
        guard let address = view.addresses[endpoint] else { return "no address for \(endpoint)" }
        do {
            _ = try await transport.request(payload, verb: .batchStore, to: address)
            return nil
        } catch {
            return Self.describe(error)
        }
    }

    /// Forgets the batch on its endpoints, without waiting: a one-way message to each peer (a
    /// lost one only makes that peer replay the batch again, which is harmless) and one unlink
    /// here.
    private func removeFromBatchlogs(_ id: BatchID, on endpoints: [HostID], view: ClusterView, batchlog: BatchlogStore) {
        let payload = BatchlogCodec.encodeRemove(id)
        for endpoint in endpoints {
            if endpoint == view.localHost {
                try? batchlog.remove(id)
            } else if let address = view.addresses[endpoint] {
                transport.send(payload, verb: .batchRemove, to: address)
            }
        }
    }

    /// `error` marked with a batch write type if it is a write timeout or failure.
    static func typed(_ error: CoordinatorError, as type: BatchWriteType) -> CoordinatorError {
        switch error {
        case .writeTimeout, .writeFailure: .batch(type, error)
        default: error
        }
    }

    /// Serves `batchStore` and `batchRemove` when this node keeps a batchlog.
    func installBatchlogHandlers() {
        guard let batchlog else { return }
        transport.setHandler(for: .batchStore) { message in
            do {
                let batch = try BatchlogCodec.decodeBatch(message.payload)
                try batchlog.store(batch.id, payload: message.payload)
                return .success([])
            } catch {
                return .failure("\(error)")
            }
        }
        transport.setHandler(for: .batchRemove) { message in
            do {
                try batchlog.remove(try BatchlogCodec.decodeRemove(message.payload))
                return .success([])
            } catch {
                return .failure("\(error)")
            }
        }
    }
}
