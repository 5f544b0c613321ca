import Foundation
import KVCore
import LSMStore
import Testing
@testable import kvnode

@Suite struct StoreMaintenanceTests {
    private func sstableCount(_ directory: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/data")) ?? []
        return names.filter { $0.hasSuffix(".sst") }.count
    }

    @Test func flushesEveryTableThenCompactsEachIntoOneSSTable() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maintenance-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try LSMStore.open(directory: directory)
        defer { try? store.close() }
        let tables = try [TableID(high: 1, low: 1), TableID(high: 1, low: 2)].map { try store.createTable($0) }
        let maintenance = StoreMaintenance(store: store)
        for round in 0..<2 {
            for table in tables {
                try table.apply(PartitionUpdate(partitionKey: [UInt8(round)], rows: [Row(clustering: [], cells: [
                    .live(column: 1, timestamp: Int64(round), value: [1]),
                ])]))
            }
            #expect(await maintenance.run(.flush) == AdminResponse(status: 200, body: "{\"flushed\":2}"))
            #expect(sstableCount(directory) == 2 * (round + 1))
        }
        #expect(await maintenance.run(.compact) == AdminResponse(status: 200, body: "{\"compacted\":2}"))
        for _ in 0..<100 where sstableCount(directory) != 2 { try await Task.sleep(for: .milliseconds(50)) }
        #expect(sstableCount(directory) == 2)
        #expect(try tables[0].read(partition: [0], clustering: []) != nil)
    }
}
