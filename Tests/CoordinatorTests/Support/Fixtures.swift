import Coordinator
import KVCore
import Ring

/// Small builders for keys, rows and mutations used across the suites.
enum Fixtures {
    static let table = TestCluster.table
    static let nowSeconds: Int64 = 1_700_000_000

    /// The storage key of the partition `"user<n>"`: Murmur3 token, then the key bytes.
    static func storageKey(_ number: Int) -> [UInt8] {
        let serialized = Array("user\(number)".utf8)
        return StoragePartitionKey.make(token: Murmur3Partitioner.token(for: serialized), serializedKey: serialized)
    }

    static func value(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// A row with one live cell in column 1.
    static func row(_ clustering: [UInt8], _ text: String, at timestamp: Int64) -> Row {
        Row(clustering: clustering, cells: [.live(column: 1, timestamp: timestamp, value: value(text))])
    }

    static func partition(_ key: [UInt8], rows: [Row] = [], deletion: DeletionTime? = nil,
                          ranges: [RangeTombstone] = []) -> PartitionUpdate {
        PartitionUpdate(partitionKey: key, partitionDeletion: deletion, rangeTombstones: ranges, rows: rows)
    }

    static func mutation(_ update: PartitionUpdate) -> Mutation { Mutation(table: table, update: update) }

    static func deletion(at timestamp: Int64) -> DeletionTime {
        DeletionTime(timestamp: timestamp, localSeconds: nowSeconds)
    }

    static func wholePartition(_ key: [UInt8], maxLiveRows: Int = 1000, after: RowPosition? = nil) -> ReadCommand {
        ReadCommand(table: table, selection: .partition(key: key, start: .unbounded, end: .unbounded),
                    after: after, maxLiveRows: maxLiveRows)
    }

    /// The values of column 1 of every live row, in order, as text.
    static func values(_ partitions: [PartitionUpdate]) -> [String] {
        partitions.flatMap(\.rows).compactMap { row in
            row.cells.first { $0.column == 1 }.map { String(decoding: $0.value, as: UTF8.self) }
        }
    }

    static func simple(_ factor: Int) throws -> KeyspaceReplication {
        KeyspaceReplication(keyspace: "ks", strategy: try SimpleStrategy(replicationFactor: factor))
    }

    static func topology(_ factors: [String: Int]) throws -> KeyspaceReplication {
        KeyspaceReplication(keyspace: "ks", strategy: try NetworkTopologyStrategy(factors))
    }
}

/// Random values of the replica message types, from a seed.
struct MessageGenerator {
    let random: SeededRandomSource

    init(seed: UInt64) { random = SeededRandomSource(seed: seed) }

    func bytes(maxCount: Int) -> [UInt8] {
        (0..<random.next(in: 0..<(maxCount + 1))).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) }
    }

    func int64() -> Int64 {
        // Mix small and extreme values: varints of every length.
        switch random.next(in: 0..<4) {
        case 0: Int64(random.next(in: -1000..<1000))
        case 1: Int64(bitPattern: random.nextUInt64())
        case 2: [Int64.min, Int64.max, 0, -1][random.next(in: 0..<4)]
        default: 1_700_000_000_000_000 + Int64(random.next(in: 0..<1_000_000))
        }
    }

    func deletion() -> DeletionTime { DeletionTime(timestamp: int64(), localSeconds: int64()) }

    func bound() -> ClusteringBound { ClusteringBound(prefix: bytes(maxCount: 4), isInclusive: random.chance(0.5)) }

    /// A cell of any kind, as the `Cell` factories make them.
    func cell() -> Cell {
        let column = random.chance(0.2) ? UInt32.max : UInt32(random.next(in: 0..<40))
        let path = random.chance(0.3) ? bytes(maxCount: 6) : []
        switch random.next(in: 0..<3) {
        case 0:
            return .live(column: column, path: path, timestamp: int64(), value: bytes(maxCount: 20))
        case 1:
            let ttl = random.chance(0.1) ? Int32.max : Int32(random.next(in: 1..<100_000))
            return .expiring(column: column, path: path, timestamp: int64(), value: bytes(maxCount: 20),
                             ttlSeconds: ttl, nowSeconds: Int64(random.next(in: 0..<2_000_000_000)))
        default:
            return .tombstone(column: column, path: path, timestamp: int64(), nowSeconds: int64())
        }
    }

    func row() -> Row {
        Row(clustering: bytes(maxCount: 6), deletion: random.chance(0.3) ? deletion() : nil,
            unsortedCells: (0..<random.next(in: 0..<5)).map { _ in cell() })
    }

    func update() -> PartitionUpdate {
        var rows: [[UInt8]: Row] = [:]
        for _ in 0..<random.next(in: 0..<5) {
            let row = row()
            rows[row.clustering] = row
        }
        return PartitionUpdate(
            partitionKey: bytes(maxCount: 24),
            partitionDeletion: random.chance(0.3) ? deletion() : nil,
            rangeTombstones: (0..<random.next(in: 0..<3)).map { _ in
                RangeTombstone(start: bound(), end: bound(), deletion: deletion())
            },
            rows: rows.values.sorted { $0.clustering.lexicographicallyPrecedes($1.clustering) })
    }

    func table() -> TableID { TableID(high: random.nextUInt64(), low: random.nextUInt64()) }

    func mutation() -> Mutation { Mutation(table: table(), update: update()) }

    func command() -> ReadCommand {
        let selection: ReadSelection = random.chance(0.5)
            ? .partition(key: bytes(maxCount: 24), start: bound(), end: bound())
            : .partitionRange(from: random.chance(0.5) ? bytes(maxCount: 16) : nil,
                              to: random.chance(0.5) ? bytes(maxCount: 16) : nil)
        let after = random.chance(0.5) ? RowPosition(partitionKey: bytes(maxCount: 16), clustering: bytes(maxCount: 6)) : nil
        let limits = [0, 1, 2, 127, 128, 5000, Int(Int32.max)]
        return ReadCommand(table: table(), selection: selection, after: after,
                           maxLiveRows: limits[random.next(in: 0..<limits.count)])
    }

    func response() -> ReadResponse {
        ReadResponse(partitions: (0..<random.next(in: 0..<4)).map { _ in update() }, isExhausted: random.chance(0.5))
    }

    /// A data or a digest reply, half and half.
    func reply() -> ReadReply {
        random.chance(0.5) ? .data(response()) : .digest(ReadDigest(high: random.nextUInt64(), low: random.nextUInt64()))
    }
}
