import KVCore
import Testing
@testable import LSMStore

/// Per-block statistics, including the `ValueOrdering` sort keys they are built from.
@Suite struct BlockStatisticsTests {
    static func sortKey(_ ordering: ValueOrdering, _ value: [UInt8]) -> [UInt8] { ordering.sortKey(value) }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// Whether sorting values by sort key gives the typed order.
    static func expectOrdered(_ values: [[UInt8]], _ ordering: ValueOrdering, sourceLocation: SourceLocation = #_sourceLocation) {
        let keys = values.map { ordering.sortKey($0) }
        for index in keys.indices.dropFirst() {
            #expect(compareBytes(keys[index - 1], keys[index]) < 0, "\(values[index - 1]) !< \(values[index])",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func signedIntegersOrderAtEveryWidth() {
        Self.expectOrdered([Int8.min, -1, 0, 1, Int8.max].map { Self.bigEndian($0) }, .signedInteger)
        Self.expectOrdered([Int16.min, -300, -1, 0, 255, 256, Int16.max].map { Self.bigEndian($0) }, .signedInteger)
        Self.expectOrdered([Int32.min, -70_000, -1, 0, 1, 65_536, Int32.max].map { Self.bigEndian($0) }, .signedInteger)
        Self.expectOrdered([Int64.min, -1 << 40, -2, -1, 0, 1, 1 << 40, Int64.max].map { Self.bigEndian($0) }, .signedInteger)
        #expect(Self.sortKey(.signedInteger, []) == [])
    }

    @Test func floatsAndDoublesOrderIncludingNegativesZerosAndInfinities() {
        let doubles: [Double] = [-.infinity, -1e300, -2.5, -1, -.leastNonzeroMagnitude, -0.0, 0.0,
                                 .leastNonzeroMagnitude, 1, 2.5, 1e300, .infinity]
        Self.expectOrdered(doubles.map { Self.bigEndian($0.bitPattern) }, .floatingPoint)
        let floats: [Float] = [-.infinity, -3e38, -1, -.leastNonzeroMagnitude, -0.0, 0.0, .leastNonzeroMagnitude, 1, 3e38, .infinity]
        Self.expectOrdered(floats.map { Self.bigEndian($0.bitPattern) }, .floatingPoint)
        #expect(compareBytes(Self.sortKey(.floatingPoint, Self.bigEndian(Double.nan.bitPattern)),
                             Self.sortKey(.floatingPoint, Self.bigEndian(Double.infinity.bitPattern))) > 0)
    }

    @Test func bytesOrderIsTheIdentity() {
        #expect(Self.sortKey(.bytes, [3, 0, 0xFF]) == [3, 0, 0xFF])
        Self.expectOrdered([[], [0], [0, 0], [1], [0xFF]], .bytes)
    }

    @Test func longMaximaBecomeStrictUpperBounds() {
        let bound = BlockStatisticsAccumulator.strictUpperBound
        #expect(bound([1, 2, 3][...]) == [1, 2, 4])
        #expect(bound([1, 0xFF, 0xFF][...]) == [2])
        #expect(bound([0xFF, 0xFF][...]) == [])
    }

    @Test func accumulatorTruncatesKeysAndCountsCells() throws {
        var accumulator = BlockStatisticsAccumulator(columnOrderings: [1: .bytes, 2: .signedInteger, 9: .bytes])
        let long = [UInt8](repeating: 0x41, count: 40), longer = [UInt8](repeating: 0x42, count: 50)
        let rows = [
            Row(cells: [.live(column: 1, timestamp: 10, value: long), .live(column: 2, timestamp: 11, value: Self.bigEndian(Int32(-5)))]),
            Row(deletion: DeletionTime(timestamp: 5, localSeconds: 100),
                cells: [.live(column: 1, timestamp: 12, value: [0x41]), .tombstone(column: 2, timestamp: 20, nowSeconds: 90)]),
            Row(cells: [.live(column: 1, path: [1], timestamp: 13, value: [0]),
                        .expiring(column: 1, timestamp: 14, value: longer, ttlSeconds: 5, nowSeconds: 50)]),
        ]
        for row in rows {
            _ = try RowCodec.encode(row).withUnsafeBytes { bytes in
                try Result { () throws(DecodeError) in try accumulator.add(row: bytes) }.get()
            }
        }
        let statistics = accumulator.finish()
        #expect(statistics.rowCount == 3 && statistics.minTimestamp == 5 && statistics.maxTimestamp == 20)
        #expect(statistics.tombstoneCount == 2 && statistics.expiringCount == 1)
        let text = statistics.columns[1]!
        #expect(text.liveCellCount == 3 && text.minSortKey == [0x41])
        #expect(!text.maxIsExact && text.maxSortKey == [UInt8](repeating: 0x42, count: 31) + [0x43])
        #expect(statistics.columns[2] == ColumnStatistics(liveCellCount: 1, minSortKey: [0x7F, 0xFF, 0xFF, 0xFB],
                                                          maxSortKey: [0x7F, 0xFF, 0xFF, 0xFB], maxIsExact: true))
        #expect(statistics.columns[9]?.liveCellCount == 0)
    }

    @Test func columnBoundsAnswerRangeQuestions() {
        let exact = ColumnStatistics(liveCellCount: 2, minSortKey: [10], maxSortKey: [20], maxIsExact: true)
        #expect(exact.mayContain(sortKeysFrom: [20], through: nil))
        #expect(!exact.mayContain(sortKeysFrom: [21], through: nil))
        #expect(!exact.mayContain(sortKeysFrom: nil, through: [9]))
        #expect(exact.mayContain(sortKeysFrom: [5], through: [10]))
        let bounded = ColumnStatistics(liveCellCount: 2, minSortKey: [10], maxSortKey: [20], maxIsExact: false)
        #expect(!bounded.mayContain(sortKeysFrom: [20], through: nil))
        #expect(bounded.mayContain(sortKeysFrom: [19, 0xFF], through: nil))
        let unbounded = ColumnStatistics(liveCellCount: 1, minSortKey: [0xFF], maxSortKey: [], maxIsExact: false)
        #expect(unbounded.mayContain(sortKeysFrom: [0xFF, 0xFF, 0xFF], through: nil))
        #expect(!ColumnStatistics(liveCellCount: 0, minSortKey: [], maxSortKey: [], maxIsExact: true)
            .mayContain(sortKeysFrom: nil, through: nil))
    }

    @Test func encodingRoundTrips() throws {
        let statistics = BlockStatistics(rowCount: 7, minTimestamp: -3, maxTimestamp: .max, tombstoneCount: 2, expiringCount: 1,
                                         columns: [4: ColumnStatistics(liveCellCount: 3, minSortKey: [1], maxSortKey: [], maxIsExact: false),
                                                   1: ColumnStatistics(liveCellCount: 0, minSortKey: [], maxSortKey: [], maxIsExact: true)])
        var writer = ByteWriter()
        statistics.encode(into: &writer)
        let decoded = try writer.bytes.withUnsafeBytes { bytes in
            try Result { () throws(DecodeError) in
                var reader = ByteReader(bytes)
                return try BlockStatistics.decode(from: &reader)
            }.get()
        }
        #expect(decoded == statistics)
    }
}
