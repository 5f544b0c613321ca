import KVCore
import Testing
@testable import LSMStore

/// A tiny SSTable built from fixed input must equal committed bytes, so that every format
/// change is deliberate (bump `SSTableFormat.currentVersion`, keep reading old versions,
/// and update the golden bytes and FORMAT.md together). Uncompressed so that the bytes do
/// not depend on the liblz4 version.
@Suite struct SSTableGoldenTests {
    static let path = "/golden/000001.sst"

    static let options = SSTableWriterOptions(blockSizeBytes: 64, restartInterval: 2, bloomBitsPerKey: 10,
                                              compression: .none, columnOrderings: [1: .signedInteger, 2: .bytes])

    static let rows: [(partition: [UInt8], row: Row)] = [
        ([0x61], Row(clustering: [1], cells: [.live(column: 1, timestamp: 100, value: [0xFF, 0xFF, 0xFF, 0xFE]),
                                               .live(column: 2, timestamp: 100, value: Array("x".utf8))])),
        ([0x61], Row(clustering: [2], deletion: DeletionTime(timestamp: 90, localSeconds: 1_000),
                     cells: [.tombstone(column: 2, timestamp: 110, nowSeconds: 1_001)])),
        ([0x62, 0x00], Row(clustering: [], cells: [.expiring(column: 1, timestamp: 120, value: [0, 0, 0, 7],
                                                             ttlSeconds: 60, nowSeconds: 1_002)])),
        ([0x63], Row(clustering: [9, 9], cells: [.live(column: 3, path: [1], timestamp: 130, value: [])])),
    ]

    static let tombstones = [
        PartitionTombstones(partitionPrefix: RowKey.partitionPrefix([0x61]),
                            ranges: [RangeTombstone(start: ClusteringBound(prefix: [5], isInclusive: true), end: .unbounded,
                                                    deletion: DeletionTime(timestamp: 80, localSeconds: 999))]),
        PartitionTombstones(partitionPrefix: RowKey.partitionPrefix([0x64]), deletion: DeletionTime(timestamp: 140, localSeconds: 1_003)),
    ]

    static func entries() -> [SSTableTestData.Entry] {
        rows.map { SSTableTestData.Entry(key: RowKey.encode(partition: $0.partition, clustering: $0.row.clustering),
                                         row: $0.row, encoded: RowCodec.encode($0.row)) }
    }

    static func writeGolden() throws -> SimulatedFileSystem {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/golden")
        try SSTableTestData.write(entries(), tombstones: tombstones, path: path, fileSystem: fileSystem, options: options)
        return fileSystem
    }

    @Test func writerProducesTheGoldenBytes() throws {
        let bytes = try Self.writeGolden().contents(of: Self.path)
        let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        #expect(hex == Self.goldenHex, "new bytes:\n\(hex)")
    }

    /// Files of every version this reader supports, written from the same input.
    @Test(arguments: [goldenHex, goldenHexVersion1])
    func readerReadsTheGoldenBytes(hex: String) throws {
        let fileSystem = SimulatedFileSystem()
        try fileSystem.createDirectory("/golden")
        let file = try fileSystem.openForAppend(Self.path, truncate: true)
        try file.append(Self.bytes(hex))
        let reader = try SSTableReader.open(path: Self.path, fileNumber: 1, fileSystem: fileSystem, cache: nil)
        let entries = Self.entries()
        #expect(try reader.allEntries().map(\.key) == entries.map(\.key))
        for entry in entries { #expect(try reader.get(entry.key) == entry.encoded) }
        #expect(reader.allTombstones == Self.tombstones)
        #expect(reader.statistics.entryCount == 4 && reader.statistics.partitionCount == 4)
        #expect(reader.statistics.minTimestamp == 80 && reader.statistics.maxTimestamp == 140)
        #expect(reader.statistics.firstKey == Self.tombstones[0].partitionPrefix && reader.statistics.lastKey == Self.tombstones[1].partitionPrefix)
        #expect(reader.blockCount == reader.statistics.blockCount && reader.blockCount >= 2)
        try reader.verify()
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// Format version 2, the current one: data blocks end in a hash index.
    static let goldenHex = """
        0004116100010100020100c80104fffffffe0200c801017803010c0201b401d00f010202dc01d20f00050e6200ff0001
        00010101f0013ccc10040000000700000000280000001b0000ff00ff7a0100ff0800060002000080005800000023271f
        7a00050963000109090001038084020101000000000000ff7200020001000080001f0000003d17389c02036100010001
        0101050100a001ce0f03640001019802d60f00001a0000002c7a078e29a2802e208147300600090000009167ce680404
        0361000103640001a00198020101010101ce0f890177020019000000770b4af202056200ff0001005803b401f0010201
        02010201047ffffffe048000000702010101780178056300010909611f01840284020000020100010000020001000000
        3f000000deb807c889000000000000001a00000000000000ac000000000000000900000000000000be00000000000000
        1900000000000000e0000000000000003f00000000000000020000008a18f3c64b56535354424c31
        """.filter { !$0.isWhitespace }

    /// Format version 1.
    static let goldenHexVersion1 = """
        0004116100010100020100c80104fffffffe0200c801017803010c0201b401d00f010202dc01d20f00050e6200ff0001
        00010101f0013ccc100400000007000000002800000002000000004a000000221d43b400050963000109090001038084
        020101000000000001000000001900000081e7d534020361000100010101050100a001ce0f03640001019802d60f0000
        1a0000002c7a078e29a2802e208147300600090000009167ce6804040361000103640001a00198020101010101ce0f75
        63020018000000f1e4dfd002056200ff0001004a03b401f001020102010201047ffffffe048000000702010101780178
        0563000109095319018402840200000201000100000200010000003f000000a466f54f75000000000000001a00000000
        00000098000000000000000900000000000000aa000000000000001800000000000000cb000000000000003f00000000
        00000001000000efe24eb34b56535354424c31
        """.filter { !$0.isWhitespace }
}
