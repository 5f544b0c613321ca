import KVCore
import Testing
@testable import LSMStore

/// `SingleRowWrite`: its payload is the codec's encoding of the same update, and a table
/// applies it as it applies that update: merged with what is there, logged for replay.
@Suite struct SingleRowWriteTableTests {
    static let table = TableID(high: 1, low: 2)

    /// Column 1 live, column 2 deleted at `nowSeconds` 50, column 3 live; all at `timestamp`.
    static func write(_ partition: [UInt8], clustering: [UInt8] = [], timestamp: Int64,
                      value: [UInt8] = [1, 2, 3]) -> SingleRowWrite {
        var builder = SingleRowWrite.Builder(table: table, partitionKey: partition, clustering: clustering,
                                             timestamp: timestamp, cellCount: 3, valueBytes: value.count)
        builder.addLive(column: 1, value: value)
        builder.addTombstone(column: 2, nowSeconds: 50)
        builder.addLive(column: 3, value: [])
        return builder.build()
    }

    static func row(clustering: [UInt8] = [], timestamp: Int64, value: [UInt8] = [1, 2, 3]) -> Row {
        Row(clustering: clustering, cells: [
            .live(column: 1, timestamp: timestamp, value: value),
            .tombstone(column: 2, timestamp: timestamp, nowSeconds: 50),
            .live(column: 3, timestamp: timestamp, value: []),
        ])
    }

    @Test(arguments: [[UInt8](), [9, 8, 7]])
    func thePayloadIsTheCodecsEncodingOfTheUpdate(clustering: [UInt8]) {
        let write = Self.write([4, 5], clustering: clustering, timestamp: 77)
        var expected = ByteWriter()
        PartitionUpdateCodec.encode(PartitionUpdate(partitionKey: [4, 5], rows: [Self.row(clustering: clustering, timestamp: 77)]),
                                    table: Self.table, into: &expected)
        #expect(write.payload == expected.bytes)
    }

    @Test func aTableAppliesItMergedWithTheRowAndReplaysIt() throws {
        var options = EngineTestHarness.options()
        options.commitLog = CommitLogOptions(syncMode: .periodic(windowMs: 60_000))
        let harness = try EngineTestHarness(options: options)
        var table = try harness.store.createTable(Self.table)
        // An older version of the row with a column the write does not name.
        var older = Self.row(clustering: [3], timestamp: 10, value: [0])
        older.cells.append(.live(column: 4, timestamp: 10, value: [44]))
        try table.apply(PartitionUpdate(partitionKey: [6], rows: [older]))
        #expect(try table.applyUnlessWaitingForSync(Self.write([6], clustering: [3], timestamp: 20)))
        #expect(try table.applyUnlessWaitingForSync(Self.write([7], timestamp: 30)))
        var expected = Self.row(clustering: [3], timestamp: 20)
        expected.cells.append(.live(column: 4, timestamp: 10, value: [44]))
        #expect(try table.readMerged(partition: [6], clustering: [3]) == expected)
        #expect(try table.readMerged(partition: [7], clustering: []) == Self.row(timestamp: 30))
        // Synced, then killed before any flush: the rows come back from the commit log.
        try harness.store.syncCommitLog()
        #expect(harness.sstableNames(of: Self.table).isEmpty)
        table = try #require(harness.crashAndReopen().table(Self.table))
        #expect(try table.readMerged(partition: [6], clustering: [3]) == expected)
        #expect(try table.readMerged(partition: [7], clustering: []) == Self.row(timestamp: 30))
    }

    @Test func aTableThatWaitsForSyncLeavesItToTheUpdatePath() throws {
        let harness = try EngineTestHarness()  // Batch sync.
        let table = try harness.store.createTable(Self.table)
        #expect(try !table.applyUnlessWaitingForSync(Self.write([6], timestamp: 1)))
        #expect(try table.readMerged(partition: [6], clustering: []) == nil)
    }

    @Test func aKeyNoSSTableCouldHoldIsRefused() throws {
        var options = EngineTestHarness.options()
        options.commitLog = CommitLogOptions(syncMode: .periodic(windowMs: 60_000))
        let harness = try EngineTestHarness(options: options)
        let table = try harness.store.createTable(Self.table)
        let clustering = [UInt8](repeating: 1, count: SSTableFormat.maxKeySizeBytes)
        #expect(throws: StoreError.self) { try table.applyUnlessWaitingForSync(Self.write([6], clustering: clustering, timestamp: 1)) }
        #expect(try table.readMerged(partition: [6], clustering: clustering) == nil)
    }
}
