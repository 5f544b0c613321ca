// A child process for the crash test: writes rows with commit log `batch` (default) or
// `periodic` sync from four threads and prints each row's index once its write is
// acknowledged, until it is killed.
//
// Usage: lsm-crash-writer DIRECTORY FIRST_INDEX [batch|periodic]
// Row i: partition key = i as 8 big-endian bytes; cells 1, 2, 3 hold `value(i, column)`.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KVCore
import LSMStore

@main
enum CrashWriter {
    static let threadCount: UInt64 = 4
    static let table = TableID(high: 1, low: 1)

    static func main() {
        let arguments = CommandLine.arguments
        guard (3...4).contains(arguments.count), let firstIndex = UInt64(arguments[2]),
              let syncMode = syncMode(arguments.count == 4 ? arguments[3] : "batch") else {
            writeLine(2, "usage: lsm-crash-writer DIRECTORY FIRST_INDEX [batch|periodic]")
            exit(2)
        }
        var options = StoreOptions()
        options.commitLog = CommitLogOptions(syncMode: syncMode, segmentSizeBytes: 256 << 10)
        options.memtableSizeBytes = 128 << 10
        let target: LSMTable
        do {
            let store = try LSMStore.open(directory: arguments[1], options: options)
            target = try store.table(table) ?? store.createTable(table)
        } catch {
            writeLine(2, "lsm-crash-writer: cannot open: \(error)")
            exit(1)
        }
        for thread in 0..<threadCount {
            Thread { writeForever(target, from: firstIndex + thread) }.start()
        }
        while true { sleep(1000) }
    }

    static func writeForever(_ target: LSMTable, from firstIndex: UInt64) {
        var index = firstIndex
        while true {
            let cells = (1...3).map { column in
                Cell.live(column: UInt32(column), timestamp: Int64(index) + 1, value: value(index, UInt32(column)))
            }
            do {
                try target.apply(PartitionUpdate(partitionKey: key(index), rows: [Row(clustering: [], cells: cells)]))
            } catch {
                writeLine(2, "lsm-crash-writer: write failed: \(error)")
                exit(1)
            }
            writeLine(1, String(index))
            index += threadCount
        }
    }

    /// `periodic` never syncs within the test: a kill must lose nothing all the same, since
    /// the commit log's mapped segments are the page cache.
    static func syncMode(_ name: String) -> CommitLogSyncMode? {
        switch name {
        case "batch": .batch
        case "periodic": .periodic(windowMs: CommitLogLimits.windowMsMax)
        default: nil
        }
    }

    static func key(_ index: UInt64) -> [UInt8] { withUnsafeBytes(of: index.bigEndian) { Array($0) } }

    static func value(_ index: UInt64, _ column: UInt32) -> [UInt8] {
        Array("row \(index) column \(column) ".utf8) + [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 40)
    }

    /// Writes a line straight to a file descriptor, unbuffered, so that an acknowledged
    /// index is out of the process before the next write starts.
    static func writeLine(_ descriptor: Int32, _ text: String) {
        let line = Array((text + "\n").utf8)
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
