#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KVCore
import Testing
@testable import LSMStore

/// A child process writing with `batch` or `periodic` sync is killed with SIGKILL at random
/// moments; after each kill the store must hold every acknowledged write (in `periodic` mode
/// too: the process dies, the page cache holding its mapped commit log does not), and every
/// row must be whole or absent. `CRASH_CYCLES=N` runs more cycles than CI's 20.
@Suite struct CrashTests {
    static let table = TableID(high: 1, low: 1)

    @Test(arguments: ["batch", "periodic"])
    func acknowledgedWritesSurviveSIGKILL(syncMode: String) throws {
        let cycles = Int(ProcessInfo.processInfo.environment["CRASH_CYCLES"] ?? "") ?? 20
        let directory = NSTemporaryDirectory() + "lsm-crash-\(syncMode)-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let random = SeededRandomSource(seed: 42)
        var acknowledged = Set<UInt64>()
        var nextIndex: UInt64 = 0
        for cycle in 0..<cycles {
            let killedAfterMs = random.next(in: 30..<400)
            let acked = try runWriterUntilKilled(directory: directory, firstIndex: nextIndex, syncMode: syncMode,
                                                 afterMs: killedAfterMs)
            acknowledged.formUnion(acked)
            nextIndex += 1_000_000
            try verify(directory: directory, acknowledged: acknowledged, cycle: cycle)
        }
        #expect(!acknowledged.isEmpty, "the writer acknowledged nothing: the test proved nothing")
        print("[crash] \(syncMode): \(cycles) SIGKILL cycles, \(acknowledged.count) acknowledged writes, all present and whole")
    }

    private func writerPath() throws -> String {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let path = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("lsm-crash-writer").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CrashTestError(message: "\(path) is missing: build it with `swift build --build-tests`")
        }
        return path
    }

    /// Starts the writer, SIGKILLs it after `afterMs`, returns the indexes it acknowledged.
    private func runWriterUntilKilled(directory: String, firstIndex: UInt64, syncMode: String,
                                      afterMs: Int) throws -> Set<UInt64> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try writerPath())
        process.arguments = [directory, String(firstIndex), syncMode]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        usleep(UInt32(afterMs) * 1000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // The last line may be cut mid-number by the kill: only whole lines count.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return Set(lines.compactMap { UInt64($0) })
    }

    private func verify(directory: String, acknowledged: Set<UInt64>, cycle: Int) throws {
        let store = try LSMStore.open(directory: directory)
        defer { try? store.close() }
        guard let table = store.table(Self.table) else {
            #expect(acknowledged.isEmpty, "cycle \(cycle): table missing after restart")
            return
        }
        var lost = 0
        for index in acknowledged where try table.read(partition: key(index), clustering: []) == nil { lost += 1 }
        #expect(lost == 0, "cycle \(cycle): \(lost) of \(acknowledged.count) acknowledged writes lost")
        let scanner = try table.scan()
        var partial = 0
        while try scanner.next() {
            let row = try scanner.row()
            let index = scanner.partitionKey.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let whole = row.cells.map(\.column) == [1, 2, 3]
                && row.cells.allSatisfy { $0.value == value(index, $0.column) }
            if !whole { partial += 1 }
        }
        #expect(partial == 0, "cycle \(cycle): \(partial) rows half-visible")
    }

    private func key(_ index: UInt64) -> [UInt8] { withUnsafeBytes(of: index.bigEndian) { Array($0) } }
    private func value(_ index: UInt64, _ column: UInt32) -> [UInt8] {
        Array("row \(index) column \(column) ".utf8) + [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 40)
    }
}

struct CrashTestError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
