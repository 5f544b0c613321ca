import KVCore
import Testing

@testable import Coordinator

/// The exact bytes of version 1 of each payload, so that a change of layout is a deliberate
/// version change and not an accident. Layout: `Sources/Coordinator/FORMAT.md` (but note the
/// table id's two `u64` are written little-endian by `ByteWriter`).
@Suite struct ReplicaMessageCodecGoldenTests {
    static let table = TableID(high: 0x0102_0304_0506_0708, low: 0x1112_1314_1516_1718)
    static let tableBytes: [UInt8] = [0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
                                      0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11]

    @Test func mutation() throws {
        let update = PartitionUpdate(
            partitionKey: [0xAA],
            partitionDeletion: DeletionTime(timestamp: 5, localSeconds: 6),
            rangeTombstones: [RangeTombstone(start: ClusteringBound(prefix: [1], isInclusive: true),
                                             end: ClusteringBound(prefix: [2], isInclusive: false),
                                             deletion: DeletionTime(timestamp: 3, localSeconds: 4))],
            rows: [Row(clustering: [7], cells: [
                .live(column: 1, timestamp: 100, value: [0x42]),
                Cell(column: 2, timestamp: -1, kind: .expiring, ttlSeconds: 10, localSeconds: 20),
                .tombstone(column: 3, timestamp: 2, nowSeconds: 9),
            ])])
        let expected: [UInt8] = [0x01] + Self.tableBytes + [
            0x01, 0xAA,  // key
            0x01, 0x0A, 0x0C,  // partition deletion: timestamp 5, local 6 (zig-zag)
            0x01,  // one range tombstone
            0x01, 0x01, 0x01,  // start: inclusive, prefix [1]
            0x00, 0x01, 0x02,  // end: exclusive, prefix [2]
            0x06, 0x08,  // deletion 3, 4
            0x01,  // one row
            0x01, 0x07,  // clustering [7]
            0x00,  // no row deletion
            0x03,  // three cells
            0x01, 0x00, 0xC8, 0x01, 0x00, 0x01, 0x42,  // live: column 1, no path, timestamp 100, value
            0x02, 0x00, 0x01, 0x01, 0x14, 0x28, 0x00,  // expiring: timestamp -1, TTL 10, expires 20
            0x03, 0x00, 0x04, 0x02, 0x12, 0x00,  // tombstone: timestamp 2, deleted 9
        ]
        let mutation = Mutation(table: Self.table, update: update)
        #expect(ReplicaMessageCodec.encode(mutation) == expected)
        #expect(try ReplicaMessageCodec.decodeMutation(expected) == mutation)
    }

    @Test func readCommand() throws {
        let command = ReadCommand(table: TableID(high: 1, low: 2), selection: .partitionRange(from: [0x10], to: nil),
                                  after: RowPosition(partitionKey: [0xAA], clustering: [0x01]), maxLiveRows: 300)
        let expected: [UInt8] = [0x01, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
                                 0x01, 0x01, 0x01, 0x10,  // range, has from, from [0x10]
                                 0x01, 0x01, 0xAA, 0x01, 0x01,  // after
                                 0xAC, 0x02]  // 300 rows
        #expect(ReplicaMessageCodec.encode(command) == expected)
        #expect(try ReplicaMessageCodec.decodeReadCommand(expected) == command)

        let end = ClusteringBound(prefix: [5], isInclusive: false)
        let slice = ReadCommand(table: TableID(high: 1, low: 2),
                                selection: .partition(key: [0xAA], start: .unbounded, end: end), maxLiveRows: 1)
        let sliceBytes: [UInt8] = [0x01, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
                                   0x00, 0x01, 0xAA, 0x01, 0x00, 0x00, 0x01, 0x05,  // partition, key, bounds
                                   0x00, 0x01]  // no after, 1 row
        #expect(ReplicaMessageCodec.encode(slice) == sliceBytes)
    }

    @Test func readResponseAndTruncate() throws {
        let response = ReadResponse(partitions: [PartitionUpdate(partitionKey: [0xAA])], isExhausted: false)
        let expected: [UInt8] = [0x01, 0x00, 0x01, 0x01, 0xAA, 0x00, 0x00, 0x00]
        #expect(ReplicaMessageCodec.encode(response) == expected)
        #expect(try ReplicaMessageCodec.decodeReadResponse(expected) == response)

        #expect(ReplicaMessageCodec.encode(Self.table) == [0x01] + Self.tableBytes)
        #expect(try ReplicaMessageCodec.decodeTable([0x01] + Self.tableBytes) == Self.table)
        #expect(throws: DecodeError.self) { try ReplicaMessageCodec.decodeTable([0x01] + Self.tableBytes.dropLast()) }
        #expect(throws: DecodeError.self) { try ReplicaMessageCodec.decodeTable([0x02] + Self.tableBytes) }
    }
}
