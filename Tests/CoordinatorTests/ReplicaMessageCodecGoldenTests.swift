import KVCore
import Testing

@testable import Coordinator

/// The exact bytes of each payload (version 1, and version 2 for digest reads), so that a
/// change of layout is a deliberate version change and not an accident. Layout: `Sources/Coordinator/FORMAT.md` (but note the
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

    /// Version 2: a digest read is the version 1 command with a flags byte (1 = digest-only)
    /// after the version byte.
    @Test func digestReadCommand() throws {
        let end = ClusteringBound(prefix: [5], isInclusive: false)
        let slice = ReadCommand(table: TableID(high: 1, low: 2),
                                selection: .partition(key: [0xAA], start: .unbounded, end: end), maxLiveRows: 1,
                                isDigestOnly: true)
        let expected: [UInt8] = [0x02, 0x01, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
                                 0x00, 0x01, 0xAA, 0x01, 0x00, 0x00, 0x01, 0x05,  // partition, key, bounds
                                 0x00, 0x01]  // no after, 1 row
        #expect(ReplicaMessageCodec.encode(slice) == expected)
        #expect(try ReplicaMessageCodec.decodeReadCommand(expected) == slice)
        // Version 2 without the flag is a data read, which is written as version 1.
        var dataRead = expected
        dataRead[1] = 0
        #expect(try ReplicaMessageCodec.decodeReadCommand(dataRead) == slice.digestOnly(false))
        #expect(ReplicaMessageCodec.encode(slice.digestOnly(false)) == [0x01] + expected.dropFirst(2))
    }

    /// Version 2 replies: a kind byte (0 data, 1 digest); a digest is two little-endian u64.
    @Test func digestAndVersion2DataReplies() throws {
        let digest = ReadDigest(high: 0x0102_0304_0506_0708, low: 0x1112_1314_1516_1718)
        let expected: [UInt8] = [0x02, 0x01] + Self.tableBytes
        #expect(ReplicaMessageCodec.encode(ReadReply.digest(digest)) == expected)
        #expect(try ReplicaMessageCodec.decodeReadReply(expected) == .digest(digest))

        let response = ReadResponse(partitions: [PartitionUpdate(partitionKey: [0xAA])], isExhausted: false)
        let version1: [UInt8] = [0x01, 0x00, 0x01, 0x01, 0xAA, 0x00, 0x00, 0x00]
        #expect(ReplicaMessageCodec.encode(ReadReply.data(response)) == version1)
        #expect(try ReplicaMessageCodec.decodeReadReply(version1) == .data(response))
        let version2: [UInt8] = [0x02, 0x00] + version1.dropFirst()
        #expect(try ReplicaMessageCodec.decodeReadReply(version2) == .data(response))
        #expect(try ReplicaMessageCodec.decodeReadResponse(version2) == response)
    }

    /// The digest function itself: any change to it makes replicas of different releases
    /// disagree on every read, so its output is pinned.
    @Test func digestKnownAnswers() {
        #expect(ReadDigest(hashing: []) == ReadDigest(high: 0xE9E0_033E_3BAD_AF36, low: 0xDFC7_A999_51F2_4649))
        #expect(ReadDigest(hashing: Array("abc".utf8)) == ReadDigest(high: 0x8DD8_06D3_0C28_43F9, low: 0x1EE8_6795_550C_9948))
        #expect(ReadDigest(hashing: Array(0..<64)) == ReadDigest(high: 0xD0A1_71DC_1456_834E, low: 0x8758_DA09_DE8B_6155))
        let response = ReadResponse(partitions: [PartitionUpdate(partitionKey: [0xAA])], isExhausted: false)
        #expect(ReadDigest.of(response) == ReadDigest(high: 0x8D92_7E74_A9C1_4680, low: 0x0D75_29B9_DCF7_E7E2))
        #expect("\(ReadDigest(high: 1, low: 0xAB))" == "digest 0000000000000001:00000000000000ab")
    }
}
