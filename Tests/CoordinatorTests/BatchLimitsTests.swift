import KVCore
import Testing

@testable import Coordinator

/// Cassandra's batch guardrails: size warnings and the hard limit over multi-partition
/// batches, the unlogged-batch warning, and the data size they measure.
@Suite struct BatchLimitsTests {
    static let replication = try! Fixtures.simple(3)
    static let names = [Fixtures.table: "ks.t"]

    static func batch(partitions: Int, valueBytes: Int) -> [KeyspaceMutations] {
        let text = String(repeating: "x", count: valueBytes)
        let mutations = (0..<partitions).map { Fixtures.mutation(Fixtures.partition(Fixtures.storageKey($0), rows: [Fixtures.row([], text, at: 1)])) }
        return [KeyspaceMutations(replication: replication, mutations: mutations)]
    }

    @Test func theDataSizeCountsCellsRowsAndDeletionsButNotTheKey() {
        let cell = Fixtures.mutation(Fixtures.partition(Fixtures.storageKey(1), rows: [Fixtures.row([1, 2], "abc", at: 1)]))
        #expect(cell.dataSizeBytes == 2 + 16 + 3)
        let deletion = Fixtures.mutation(Fixtures.partition(Fixtures.storageKey(1), deletion: Fixtures.deletion(at: 5)))
        #expect(deletion.dataSizeBytes == 12)
    }

    @Test func aMultiPartitionBatchOverTheWarnThresholdGetsCassandrasWarning() throws {
        let batch = Self.batch(partitions: 2, valueBytes: 3000)
        let size = 2 * (16 + 3000)
        let warnings = try BatchLimits().check(batch, tableNames: Self.names, logged: true)
        #expect(warnings == ["Batch for [ks.t] is of size \(size), exceeding specified threshold of 5120 by \(size - 5120)."])
    }

    @Test func smallAndSinglePartitionBatchesAreNotChecked() throws {
        #expect(try BatchLimits().check(Self.batch(partitions: 2, valueBytes: 100), tableNames: Self.names, logged: true).isEmpty)
        #expect(try BatchLimits().check(Self.batch(partitions: 1, valueBytes: 100_000), tableNames: Self.names, logged: false).isEmpty)
    }

    @Test func overTheFailThresholdIsBatchTooLarge() {
        #expect(throws: CoordinatorError.invalid("Batch too large")) {
            try BatchLimits().check(Self.batch(partitions: 20, valueBytes: 3000), tableNames: Self.names, logged: true)
        }
        let limits = BatchLimits(warnThresholdBytes: 10, failThresholdBytes: 100)
        #expect(throws: CoordinatorError.invalid("Batch too large")) {
            try limits.check(Self.batch(partitions: 2, valueBytes: 60), tableNames: Self.names, logged: true)
        }
    }

    @Test func anUnloggedBatchOverTheThresholdOfPartitionsGetsAWarning() throws {
        let warnings = try BatchLimits().check(Self.batch(partitions: 11, valueBytes: 1), tableNames: Self.names, logged: false)
        #expect(warnings == ["Unlogged batch covering 11 partitions detected against table [ks.t]. You should use a logged "
                             + "batch for atomicity, or asynchronous writes for performance."])
        #expect(try BatchLimits().check(Self.batch(partitions: 10, valueBytes: 1), tableNames: Self.names, logged: false).isEmpty)
        #expect(try BatchLimits().check(Self.batch(partitions: 11, valueBytes: 1), tableNames: Self.names, logged: true).isEmpty)
    }
}
