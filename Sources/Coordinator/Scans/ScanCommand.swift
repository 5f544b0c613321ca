import KVCore

/// A filtered scan of one token range of a table, as a coordinator sends it to one replica
/// (verb `filteredScan`, DESIGN §8): the replica evaluates `filter` next to its data and
/// answers only the matching rows, with only the cells of `columns`, or only their count.
///
/// The answer is the replica's own view: exact when one replica answers for the range
/// (consistency ONE). The coordinator does not push filters down at higher levels, where
/// replicas' views must be reconciled before filtering (see `StorageCoordinator.scan`).
public struct ScanCommand: Sendable, Equatable {
    public var table: TableID
    /// First storage key (inclusive); nil from the start.
    public var from: [UInt8]?
    /// End storage key (exclusive); nil to the end.
    public var to: [UInt8]?
    /// Resume strictly after this row.
    public var after: RowPosition?
    /// Rows to keep; nil keeps every live row.
    public var filter: RowPredicate?
    /// How to read key columns' values from storage keys.
    public var keyLayout: ScanKeyLayout
    /// The columns whose cells matched rows carry; nil for all.
    public var columns: [UInt32]?
    /// Answer only how many rows matched, no rows.
    public var countOnly: Bool
    /// Stop after this many matched rows.
    public var maxMatchedRows: Int
    /// Stop after this many live rows scanned, matching or not, so one request's time is
    /// bounded however selective the filter.
    public var maxScannedRows: Int

    public init(table: TableID, from: [UInt8]?, to: [UInt8]?, after: RowPosition? = nil, filter: RowPredicate?,
                keyLayout: ScanKeyLayout, columns: [UInt32]? = nil, countOnly: Bool = false,
                maxMatchedRows: Int, maxScannedRows: Int) {
        self.table = table
        self.from = from
        self.to = to
        self.after = after
        self.filter = filter
        self.keyLayout = keyLayout
        self.columns = columns
        self.countOnly = countOnly
        self.maxMatchedRows = maxMatchedRows
        self.maxScannedRows = maxScannedRows
    }
}

/// The shape of a table's keys, for reading key column values out of storage keys.
public struct ScanKeyLayout: Sendable, Equatable {
    public var partitionKeyCount: Int
    public var clusteringTypes: [CQLDataType]
    public var clusteringOrders: [ClusteringOrder]

    public init(partitionKeyCount: Int, clusteringTypes: [CQLDataType], clusteringOrders: [ClusteringOrder]) {
        self.partitionKeyCount = partitionKeyCount
        self.clusteringTypes = clusteringTypes
        self.clusteringOrders = clusteringOrders
    }

    /// The partition key column values of a storage key.
    public func partitionValues(storageKey: [UInt8]) -> [[UInt8]] {
        let serialized = Array(StoragePartitionKey.serializedKey(of: storageKey))
        return (try? PartitionKeySerialization.components(of: serialized, columnCount: partitionKeyCount))
            ?? Array(repeating: [], count: partitionKeyCount)
    }

    /// The clustering column values of a clustering key (fewer for a prefix).
    public func clusteringValues(_ key: [UInt8]) -> [[UInt8]?] {
        (try? ClusteringEncoding.decode(key, types: clusteringTypes, orders: clusteringOrders)) ?? []
    }
}

/// What a scan request did on one replica, reported to the client per node (DESIGN §8).
public struct ScanStatistics: Sendable, Equatable {
    /// Live rows read and tested.
    public var rowsScanned = 0
    /// Rows the filter selected.
    public var rowsMatched = 0
    /// SSTable blocks passed over unread because their statistics ruled out every row.
    public var blocksSkipped = 0
    /// Encoded row bytes (keys and cells) the scan read.
    public var bytesRead = 0

    public init(rowsScanned: Int = 0, rowsMatched: Int = 0, blocksSkipped: Int = 0, bytesRead: Int = 0) {
        self.rowsScanned = rowsScanned
        self.rowsMatched = rowsMatched
        self.blocksSkipped = blocksSkipped
        self.bytesRead = bytesRead
    }

    public static func += (total: inout ScanStatistics, more: ScanStatistics) {
        total.rowsScanned += more.rowsScanned
        total.rowsMatched += more.rowsMatched
        total.blocksSkipped += more.blocksSkipped
        total.bytesRead += more.bytesRead
    }
}

/// A replica's answer to a `ScanCommand`.
public struct ScanReply: Sendable, Equatable {
    /// The matched rows with the requested live cells, in storage order (empty for a count).
    public var partitions: [PartitionUpdate]
    /// How many rows matched.
    public var matchedCount: Int
    /// Where the scan stopped at a limit (resume after it); nil when it reached the range's end.
    public var resumeAfter: RowPosition?
    public var statistics: ScanStatistics

    public init(partitions: [PartitionUpdate], matchedCount: Int, resumeAfter: RowPosition?, statistics: ScanStatistics) {
        self.partitions = partitions
        self.matchedCount = matchedCount
        self.resumeAfter = resumeAfter
        self.statistics = statistics
    }
}
