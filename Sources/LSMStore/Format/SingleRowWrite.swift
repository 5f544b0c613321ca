import KVCore

/// A write of one row's cells, all at one timestamp, with no tombstone above the row: a
/// plain INSERT's shape. It is encoded straight into its commit-log payload, byte for byte
/// what `PartitionUpdateCodec` makes of the same `PartitionUpdate`, without building that
/// update, its row or its cells (perf: they were a tenth of a node's CPU on writes).
public struct SingleRowWrite: Sendable {
    public let table: TableID
    /// As `PartitionUpdate.partitionKey`.
    public let partitionKey: [UInt8]
    /// Every cell's write time.
    public let timestamp: Int64
    let clusteringCount: Int
    /// The commit-log payload (FORMAT.md, "Commit-log payload").
    let payload: [UInt8]

    /// Encodes the payload as the cells come, in column order.
    public struct Builder {
        let table: TableID
        let partitionKey: [UInt8]
        let clusteringCount: Int
        let timestamp: Int64
        let cellCount: Int
        private var writer: ByteWriter
        /// Where the row's bytes start: its length goes in front of them at the end.
        private let rowStart: Int
        private var cellsAdded = 0

        /// A row of exactly `cellCount` cells, holding about `valueBytes` bytes of values.
        public init(table: TableID, partitionKey: [UInt8], clustering: [UInt8], timestamp: Int64,
                    cellCount: Int, valueBytes: Int) {
            self.table = table
            self.partitionKey = partitionKey
            clusteringCount = clustering.count
            self.timestamp = timestamp
            self.cellCount = cellCount
            writer = ByteWriter(capacity: 64 + partitionKey.count + clustering.count + valueBytes + 24 * cellCount)
            PartitionUpdateCodec.encodeHeader(table: table, partitionKey: partitionKey, partitionDeletion: nil,
                                              rangeTombstones: [], rowCount: 1, into: &writer)
            writer.writeLengthPrefixed(clustering)
            rowStart = writer.count
            writer.writeUInt8(0)  // Row flags: no row deletion.
            writer.writeVarint(UInt64(cellCount))
        }

        /// Adds a live cell of a simple column (no path, no TTL).
        public mutating func addLive(column: UInt32, value: [UInt8]) {
            RowCodec.encodeCell(column: column, kind: .live, timestamp: timestamp, ttlSeconds: 0, localSeconds: 0,
                                path: [], value: value, into: &writer)
            cellsAdded += 1
        }

        /// Adds the deletion of a simple column, made at `nowSeconds`.
        public mutating func addTombstone(column: UInt32, nowSeconds: Int64) {
            RowCodec.encodeCell(column: column, kind: .tombstone, timestamp: timestamp, ttlSeconds: 0,
                                localSeconds: nowSeconds, path: [], value: [], into: &writer)
            cellsAdded += 1
        }

        /// The write. The cells added must number `cellCount` and be in column order.
        /// Mutating rather than consuming: a consumed builder was copied on the way in, so the
        /// row's length written in place copied the whole payload (a malloc per write, perf).
        public mutating func build() -> SingleRowWrite {
            precondition(cellsAdded == cellCount, "a single-row write declared \(cellCount) cells and got \(cellsAdded)")
            writer.insertLengthPrefix(at: rowStart)
            return SingleRowWrite(table: table, partitionKey: partitionKey, timestamp: timestamp,
                                  clusteringCount: clusteringCount, payload: writer.bytes)
        }
    }
}
