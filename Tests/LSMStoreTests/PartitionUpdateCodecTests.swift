import KVCore
import Testing
@testable import LSMStore

@Suite struct PartitionUpdateCodecTests {
    static let table = TableID(high: 0x0102_0304_0506_0708, low: 0xFFFF_0000_FFFF_0000)

    static func randomBytes(_ random: any RandomSource, maxCount: Int) -> [UInt8] {
        (0..<random.next(in: 0..<(maxCount + 1))).map { _ in UInt8(random.next(in: 0..<256)) }
    }

    static func randomUpdate(_ random: any RandomSource) -> PartitionUpdate {
        var update = PartitionUpdate(partitionKey: randomBytes(random, maxCount: 6))
        if random.chance(0.3) {
            update.partitionDeletion = DeletionTime(timestamp: Int64(bitPattern: random.nextUInt64()),
                                                    localSeconds: Int64(random.next(in: -10..<1_000_000)))
        }
        for _ in 0..<random.next(in: 0..<3) {
            update.rangeTombstones.append(RangeTombstone(
                start: ClusteringBound(prefix: randomBytes(random, maxCount: 3), isInclusive: random.chance(0.5)),
                end: ClusteringBound(prefix: randomBytes(random, maxCount: 3), isInclusive: random.chance(0.5)),
                deletion: DeletionTime(timestamp: Int64(random.next(in: 0..<100)), localSeconds: 5)))
        }
        var clusterings = Set<[UInt8]>()
        for _ in 0..<random.next(in: 0..<4) { clusterings.insert(randomBytes(random, maxCount: 4)) }
        update.rows = clusterings.sorted { $0.lexicographicallyPrecedes($1) }.map { clustering in
            var row = RowCodecTests.randomRow(random)
            row.clustering = clustering
            return row
        }
        return update
    }

    static func encode(_ update: PartitionUpdate, table: TableID = table) -> [UInt8] {
        var writer = ByteWriter()
        PartitionUpdateCodec.encode(update, table: table, into: &writer)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> (TableID, PartitionUpdate) {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(DecodeError) in try PartitionUpdateCodec.decode(buffer) }
        }.get()
    }

    @Test func randomUpdatesRoundTrip() throws {
        let random = SeededRandomSource(seed: 71)
        for _ in 0..<1_000 {
            let update = Self.randomUpdate(random)
            let (table, decoded) = try Self.decode(Self.encode(update))
            #expect(table == Self.table)
            #expect(decoded == update)
        }
        let empty = PartitionUpdate(partitionKey: [])
        #expect(try Self.decode(Self.encode(empty, table: TableID(high: 0, low: 0))).1 == empty)
    }

    /// The memtable stores the rows as the payload holds them: each must be the row's own
    /// encoding, with its clustering key, in the update's order.
    @Test func encodedRowsAreEachRowsEncodingInOrder() throws {
        let random = SeededRandomSource(seed: 72)
        for _ in 0..<500 {
            let update = Self.randomUpdate(random)
            let payload = Self.encode(update)
            let found = try payload.withUnsafeBytes { buffer in
                try Result { () throws(DecodeError) -> [([UInt8], [UInt8])] in
                    var rows = try PartitionUpdateCodec.encodedRows(in: buffer)
                    var found: [([UInt8], [UInt8])] = []
                    while let (clustering, row) = try rows.next() { found.append((Array(clustering), Array(row))) }
                    return found
                }.get()
            }
            #expect(found.map(\.0) == update.rows.map(\.clustering))
            #expect(found.map(\.1) == update.rows.map { RowCodec.encode($0) })
        }
    }

    @Test func layoutStartsWithVersionAndTableID() {
        let bytes = Self.encode(PartitionUpdate(partitionKey: [0xAA]))
        #expect(bytes[0] == 1)
        #expect(Array(bytes[1..<17]) == [8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF])
        #expect(Array(bytes[17...]) == [1, 0xAA, 0, 0, 0])
    }

    @Test func malformedPayloadsThrow() {
        let good = Self.encode(PartitionUpdate(partitionKey: [1], rangeTombstones: [
            RangeTombstone(start: .unbounded, end: ClusteringBound(prefix: [2], isInclusive: false),
                           deletion: DeletionTime(timestamp: 1, localSeconds: 1)),
        ], rows: [Row(clustering: [3], cells: [.live(column: 1, timestamp: 1, value: [4])])]))
        var badVersion = good
        badVersion[0] = 2
        #expect(throws: DecodeError.malformed(offset: 0, reason: "unknown payload version 2")) { try Self.decode(badVersion) }
        #expect(throws: DecodeError.self) { try Self.decode(good + [0]) }
        for length in 0..<good.count {
            #expect(throws: DecodeError.self) { try Self.decode(Array(good[..<length])) }
        }
        // The range's start bound flag (after version, id, key and flags) must be 0 or 1.
        var badBound = good
        badBound[17 + 2 + 1 + 1] = 2
        #expect(throws: DecodeError.self) { try Self.decode(badBound) }
    }

    @Test func randomGarbageNeverTraps() {
        let random = SeededRandomSource(seed: 72)
        for round in 0..<3_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = [1] + Self.randomBytes(random, maxCount: 60)
            } else {
                bytes = Self.encode(Self.randomUpdate(random))
                bytes[random.next(in: 1..<bytes.count)] ^= UInt8(random.next(in: 1..<256))
            }
            _ = try? Self.decode(bytes)
        }
    }
}
