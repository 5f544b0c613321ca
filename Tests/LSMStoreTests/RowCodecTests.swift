import KVCore
import Testing
@testable import LSMStore

@Suite struct RowCodecTests {
    static func randomCell(_ random: any RandomSource, column: UInt32) -> Cell {
        let path: [UInt8] = random.chance(0.3) ? (0..<random.next(in: 1..<4)).map { _ in UInt8(random.next(in: 0..<256)) } : []
        let value = (0..<random.next(in: 0..<[0, 3, 40, 300][random.next(in: 0..<4)] + 1)).map { _ in UInt8(random.next(in: 0..<256)) }
        let timestamp = [Int64.min, -1, 0, 1, Int64.max, Int64(bitPattern: random.nextUInt64())][random.next(in: 0..<6)]
        switch random.next(in: 0..<3) {
        case 0: return .live(column: column, path: path, timestamp: timestamp, value: value)
        case 1:
            return Cell(column: column, path: path, timestamp: timestamp, kind: .expiring,
                        ttlSeconds: [1, 86_400, Int32.max, -1][random.next(in: 0..<4)],
                        localSeconds: Int64(bitPattern: random.nextUInt64()) >> 8, value: value)
        default:
            return .tombstone(column: column, path: path, timestamp: timestamp, nowSeconds: Int64(random.next(in: -5..<2_000_000_000)))
        }
    }

    static func randomRow(_ random: any RandomSource) -> Row {
        var columns = Set<UInt32>()
        for _ in 0..<random.next(in: 0..<8) {
            columns.insert([0, 1, 2, 127, 128, 70_000, UInt32.max][random.next(in: 0..<7)])
        }
        let cells = columns.map { randomCell(random, column: $0) }
        let deletion = random.chance(0.3)
            ? DeletionTime(timestamp: Int64(bitPattern: random.nextUInt64()), localSeconds: Int64(random.next(in: 0..<1_000_000))) : nil
        return Row(clustering: [1, 2], deletion: deletion, unsortedCells: cells)
    }

    @Test func randomRowsRoundTrip() throws {
        let random = SeededRandomSource(seed: 61)
        for _ in 0..<2_000 {
            let row = Self.randomRow(random)
            let bytes = RowCodec.encode(row)
            #expect(try RowCodec.decode(bytes, clustering: row.clustering) == row)
            var writer = ByteWriter()
            writer.writeBytes([0xEE])
            RowCodec.encode(row, into: &writer)
            #expect(Array(writer.bytes.dropFirst()) == bytes, "encode(into:) appends the same bytes")
        }
    }

    @Test func rowViewReadsCellsInPlace() throws {
        let row = Row(clustering: [], deletion: DeletionTime(timestamp: -5, localSeconds: 9), cells: [
            .live(column: 1, timestamp: 3, value: [1, 2, 3]),
            .expiring(column: 2, path: [7], timestamp: 4, value: [], ttlSeconds: 10, nowSeconds: 100),
            .tombstone(column: 3, timestamp: 5, nowSeconds: 50),
        ])
        let bytes = RowCodec.encode(row)
        try bytes.withUnsafeBytes { buffer in
            var view = try RowView(buffer)
            #expect(view.deletion == row.deletion && view.cellCount == 3)
            var cells: [Cell] = []
            var liveAt105: [Bool] = []
            while let cell = try view.nextCell() {
                cells.append(cell.materialize())
                liveAt105.append(cell.isLive(nowSeconds: 105))
            }
            #expect(cells == row.cells)
            #expect(liveAt105 == [true, true, false])
            #expect(view.isFullyRead)
            #expect(try view.nextCell() == nil)
        }
    }

    @Test func emptyRowIsTwoBytes() throws {
        #expect(RowCodec.encode(Row()) == [0, 0])
        #expect(try RowCodec.decode([0, 0], clustering: [5]) == Row(clustering: [5]))
    }

    @Test func everyProperPrefixOfAnEncodingThrows() {
        let random = SeededRandomSource(seed: 62)
        for _ in 0..<200 {
            let bytes = RowCodec.encode(Self.randomRow(random))
            for length in 0..<bytes.count {
                #expect(throws: DecodeError.self) { try RowCodec.decode(Array(bytes[..<length]), clustering: []) }
            }
        }
    }

    @Test func specificDamageThrows() {
        // Unknown row flags.
        #expect(throws: DecodeError.self) { try RowCodec.decode([0x02, 0], clustering: []) }
        // A cell count larger than the bytes could hold.
        #expect(throws: DecodeError.self) { try RowCodec.decode([0, 0x7F, 1, 0, 0, 0], clustering: []) }
        // Cell kind 3 does not exist; neither do header bits other than the path flag.
        #expect(throws: DecodeError.self) { try RowCodec.decode([0, 1, 1, 0x03, 0, 0], clustering: []) }
        #expect(throws: DecodeError.self) { try RowCodec.decode([0, 1, 1, 0x40, 0, 0], clustering: []) }
        // A column id above UInt32.max.
        var writer = ByteWriter()
        writer.writeUInt8(0)
        writer.writeVarint(1)
        writer.writeVarint(UInt64(UInt32.max) + 1)
        writer.writeUInt8(0)
        writer.writeSignedVarint(1)
        writer.writeVarint(0)
        #expect(throws: DecodeError.self) { try RowCodec.decode(writer.bytes, clustering: []) }
        // A value length past the end.
        #expect(throws: DecodeError.self) { try RowCodec.decode([0, 1, 1, 0, 2, 5, 1], clustering: []) }
    }

    /// A row's bytes are length-delimited wherever they are stored, so bytes after the last
    /// cell are damage, as the SSTable writer's and verifier's checks already say.
    @Test func decodeRejectsTrailingBytes() {
        let bytes = RowCodec.encode(Row(cells: [.live(column: 1, timestamp: 1, value: [1])]))
        #expect(throws: DecodeError.self) { try RowCodec.decode(bytes + [0], clustering: []) }
    }

    /// Random byte strings, and valid encodings with random bytes flipped, throw or decode;
    /// they never trap.
    @Test func randomBytesNeverTrap() {
        let random = SeededRandomSource(seed: 63)
        var thrown = 0
        for round in 0..<4_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<random.next(in: 0..<40)).map { _ in UInt8(random.next(in: 0..<256)) }
            } else {
                bytes = RowCodec.encode(Self.randomRow(random))
                for _ in 0..<random.next(in: 1..<4) where !bytes.isEmpty {
                    bytes[random.next(in: 0..<bytes.count)] ^= UInt8(random.next(in: 1..<256))
                }
            }
            bytes.withUnsafeBytes { buffer in
                do {
                    var view = try RowView(buffer)
                    while try view.nextCell() != nil {}
                } catch {
                    thrown += 1
                }
            }
        }
        #expect(thrown > 1_000, "most garbage is rejected")
    }
}
