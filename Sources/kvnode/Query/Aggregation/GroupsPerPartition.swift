/// PER PARTITION LIMIT with GROUP BY counts groups, as in Cassandra: of each partition's
/// rows, only those of its first `limit` groups are folded. Raw rows arrive in partition
/// then clustering order; the partition is named by the GROUP BY values of its key columns.
struct GroupsPerPartition: Equatable {
    let limit: Int
    /// Raw-row indices of the GROUP BY columns that are partition key columns.
    let partitionIndices: [Int]
    let groupIndices: [Int]
    /// The partition of the last row seen, and how many of its groups were admitted.
    private(set) var partition: [[UInt8]?]?
    private(set) var groups = 0
    private var group: [[UInt8]?]?

    init(limit: Int, partitionIndices: [Int], groupIndices: [Int],
         resumingIn partition: [[UInt8]?]? = nil, groupsSoFar: Int = 0) {
        self.limit = limit
        self.partitionIndices = partitionIndices
        self.groupIndices = groupIndices
        self.partition = partition
        self.groups = groupsSoFar
    }

    /// Whether `row` belongs to one of its partition's first `limit` groups.
    mutating func admits(_ row: [[UInt8]?]) -> Bool {
        let rowPartition = partitionIndices.map { row[$0] }
        let rowGroup = groupIndices.map { row[$0] }
        if rowPartition != partition {
            partition = rowPartition
            groups = 0
            group = nil
        }
        if rowGroup != group {
            group = rowGroup
            groups += 1
        }
        return groups <= limit
    }
}
