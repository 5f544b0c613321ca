import KVCore

/// The coordinator's part of a batchlog replay (`BatchlogReplayer`): one mutation to every replica.
extension StorageCoordinator {
    /// Writes `mutation` to every replica of its partition, waiting for each (up to the verb
    /// timeout); a replica that is down, or fails, gets a hint. True when every replica
    /// acknowledged or has a hint stored for it.
    ///
    /// False at once, sending nothing, while the view's ring places fewer replicas than the
    /// keyspace asks for: a node just restarted knows only itself until gossip brings it the
    /// ring, and a replay then would write the partition to itself alone and delete the batch
    /// (the simulator found this). The cost: in a cluster smaller than the replication factor,
    /// batches are never replayed.
    func writeToAllReplicas(_ mutation: Mutation, replication: KeyspaceReplication) async -> Bool {
        let view = self.view()
        let replicas = replicaMap(replication, view: view).replicas(for: mutation.token)
        let expected = replication.replicasPerDatacenter(ring: view.ring, localDatacenter: view.localDatacenter).values.reduce(0, +)
        guard replicas.count >= expected else { return false }
        let payload = ReplicaMessageCodec.encode(mutation)
        return await withTaskGroup(of: Bool.self) { group -> Bool in
            for replica in replicas {
                group.addTask {
                    if view.alive.contains(replica), await self.send(mutation, payload: payload, to: replica, view: view) == nil {
                        return true
                    }
                    return replica != view.localHost && self.storeHint(mutation, for: replica)
                }
            }
            var complete = true
            for await delivered in group { complete = complete && delivered }
            return complete
        }
    }
}
