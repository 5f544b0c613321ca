import KVCore
import Testing
@testable import LSMStore

/// The `ScanRange` helpers a coordinator slices and pages with, checked on their own and
/// through `scan` and `readUnfiltered`.
@Suite struct ScanRangeTests {
    @Test func sliceBoundsFollowPrefixSemantics() throws {
        let harness = try EngineTestHarness()
        let table = try harness.store.createTable(UnfilteredReadTests.id)
        let clusterings: [[UInt8]] = [[], [0], [1], [1, 0], [1, 5], [1, 0xFF], [2], [2, 0xFF, 0xFF], [3], [0xFF], [0xFF, 0xFF]]
        for partition in [EngineRows.partition(1), EngineRows.partition(2), EngineRows.partition(3)] {
            try table.apply(PartitionUpdate(partitionKey: partition, rows: clusterings.map {
                Row(clustering: $0, cells: [UnfilteredReadTests.cell(1, 1, timestamp: 1)])
            }))
        }
        try table.flush()
        let key = EngineRows.partition(2)
        let prefixes: [[UInt8]] = [[], [0], [1], [1, 0], [1, 0xFF], [2], [2, 0xFF], [0xFF], [0xFF, 0xFF]]
        for startPrefix in prefixes {
            for endPrefix in prefixes {
                for (startInclusive, endInclusive) in [(true, true), (true, false), (false, true), (false, false)] {
                    let start = UnfilteredReadTests.bound(startPrefix, inclusive: startInclusive)
                    let end = UnfilteredReadTests.bound(endPrefix, inclusive: endInclusive)
                    let expected = clusterings.filter { start.admitsAsStart($0) && end.admitsAsEnd($0) }
                    let slice = ScanRange.slice(partition: key, start: start, end: end)
                    let result = try table.readUnfiltered(slice, limits: UnfilteredReadLimits())
                    let got = result.partitions.flatMap(\.rows).map(\.clustering)
                    #expect(got == expected, "\(start) ... \(end)")
                    #expect(result.partitions.allSatisfy { $0.partitionKey == key })
                    #expect(try EngineRows.scan(table, slice).map(\.row.clustering) == expected, "scan of \(start) ... \(end)")
                }
            }
        }
    }

    @Test func rangeHelpersPackKeysAsExpected() {
        let key = EngineRows.partition(7)
        let prefix = RowKey.partitionPrefix(key)
        let range = ScanRange.partition(key)
        let resumed = ScanRange.resuming(after: range, partition: key, clustering: [5])
        #expect(resumed == ScanRange(start: prefix + [5, 0], end: range.end))
        #expect(ScanRange.resuming(after: range, partition: key) == ScanRange(start: range.end, end: range.end))
        #expect(ScanRange.resuming(after: range, partition: key).isEmpty)
        let late = ScanRange(start: prefix + [9], end: nil)
        #expect(ScanRange.resuming(after: late, partition: key, clustering: [5]).start == late.start, "never moves back")
        #expect(ScanRange.partitions(after: key, to: nil).start == ScanRange.partition(key).end)
        #expect(ScanRange.slice(partition: key, start: .unbounded, end: .unbounded) == range)
        #expect(ScanRange.slice(partition: key, start: UnfilteredReadTests.bound([1, 0xFF], inclusive: false), end: .unbounded).start == prefix + [2])
        #expect(ScanRange.successor(ofPrefix: [0xFF, 0xFF]) == nil)
        #expect(range.singlePartitionPrefix == prefix)
        #expect(ScanRange.partitions(from: key, to: EngineRows.partition(9)).singlePartitionPrefix == nil)
    }
}
