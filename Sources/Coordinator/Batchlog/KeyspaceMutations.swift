/// The mutations of one batch in one keyspace, with that keyspace's replication.
public struct KeyspaceMutations: Sendable {
    public var replication: KeyspaceReplication
    public var mutations: [Mutation]

    public init(replication: KeyspaceReplication, mutations: [Mutation]) {
        self.replication = replication
        self.mutations = mutations
    }

    /// How many partitions the batch `groups` writes: as Cassandra counts mutations, one per
    /// keyspace and partition key, whatever the number of tables.
    public static func partitionCount(_ groups: [KeyspaceMutations]) -> Int {
        groups.reduce(0) { count, group in count + Set(group.mutations.map(\.update.partitionKey)).count }
    }
}
