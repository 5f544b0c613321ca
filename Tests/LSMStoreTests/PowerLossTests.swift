import Foundation
import KVCore
import Testing
@testable import LSMStore

/// Simulated power loss: writes with periodic sync, random explicit syncs, flushes and
/// compactions, then a crash that keeps a random prefix of each file's unsynced tail.
/// What survives must be a prefix of the write history that includes everything synced:
/// no holes, no half rows. `POWER_LOSS_SEEDS=N` runs more seeds than CI's 300.
@Suite struct PowerLossTests {
    static let seedCount = UInt64(ProcessInfo.processInfo.environment["POWER_LOSS_SEEDS"] ?? "") ?? 300
    static let table = TableID(high: 3, low: 3)

    @Test func recoveryLeavesNoHole() throws {
        var totalWritten = 0, totalSurvived = 0
        for seed in 0..<Self.seedCount {
            let (written, survived) = try runOnce(seed: seed)
            totalWritten += written
            totalSurvived += survived
        }
        // The test must actually lose unsynced data sometimes, or it proves nothing.
        #expect(totalSurvived < totalWritten, "no seed lost unsynced writes")
    }

    private static var options: StoreOptions {
        var options = StoreOptions()
        options.commitLog = CommitLogOptions(syncMode: .periodic(windowMs: 3_600_000), segmentSizeBytes: 16 << 10)
        options.memtableSizeBytes = 8 << 10
        return options
    }

    /// Returns how many rows were written and how many survived.
    private func runOnce(seed: UInt64) throws -> (Int, Int) {
        let random = SeededRandomSource(seed: seed)
        let fileSystem = SimulatedFileSystem()
        let clock = ManualClock()
        let store = try LSMStore.open(directory: "/db", options: Self.options, fileSystem: fileSystem, clock: clock)
        let table = try store.createTable(Self.table)
        var synced = 0
        let count = random.next(in: 20..<300)
        for index in 0..<count {
            try table.apply(PartitionUpdate(partitionKey: key(index), rows: [row(index)]))
            switch random.next(below: 100) {
            case 0..<5: try store.syncCommitLog(); synced = index + 1
            case 5..<7: try table.flush(); synced = index + 1
            case 7: try table.compact(); synced = index + 1
            default: break
            }
        }
        store.stopAsIfKilled()
        fileSystem.crash(unsynced: .keepRandomPrefix(random))
        let reopened = try LSMStore.open(directory: "/db", options: Self.options, fileSystem: fileSystem, clock: clock)
        defer { try? reopened.close() }
        let survivors = try survivingCount(reopened, written: count, seed: seed)
        #expect(survivors >= synced, "seed \(seed): \(survivors) rows survived but \(synced) were synced")
        return (count, survivors)
    }

    /// Checks that the surviving rows are exactly 0..<k and whole; returns k.
    private func survivingCount(_ store: LSMStore, written: Int, seed: UInt64) throws -> Int {
        let table = try #require(store.table(Self.table), "seed \(seed): table lost")
        var present: [Bool] = []
        for index in 0..<written {
            let found = try table.read(partition: key(index), clustering: [])
            if let found { #expect(found == row(index), "seed \(seed): row \(index) is not whole") }
            present.append(found != nil)
        }
        let survivors = present.firstIndex(of: false) ?? written
        #expect(!present[survivors...].contains(true), "seed \(seed): hole after row \(survivors)")
        return survivors
    }

    private func key(_ index: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(index).bigEndian) { Array($0) } }

    private func row(_ index: Int) -> Row {
        Row(clustering: [], cells: (1...2).map { column in
            Cell.live(column: UInt32(column), timestamp: Int64(index) + 1, value: Array(repeating: UInt8(column), count: 30))
        })
    }
}
