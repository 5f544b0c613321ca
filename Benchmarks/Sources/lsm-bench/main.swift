#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KVCore

// lsm-bench: db_bench's benchmarks, flags and result lines, run against LSMStore
// (PERFORMANCE.md §1). Usage: lsm-bench --db=DIR [db_bench flags]; --help lists them.

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains(where: { $0 == "--help" || $0 == "-help" || $0 == "-h" }) {
    printNow(FlagParser.usage)
    exit(0)
}

do {
    let flags = try FlagParser.parse(arguments)
    try BenchmarkSession(flags: flags).run()
} catch {
    printError("lsm-bench: error: \(error)")
    exit(1)
}

/// One invocation: the header, then each benchmark in order on one store.
struct BenchmarkSession {
    let flags: BenchmarkFlags
    let directory: String

    init(flags: BenchmarkFlags) {
        self.flags = flags
        self.directory = flags.databaseDirectory!
    }

    func run() throws {
        let seedBase = resolveSeed()
        printHeader()
        let runner = BenchmarkRunner<LSMStoreTarget>(flags: flags, seedBase: seedBase)
        var target = try LSMStoreTarget.open(flags: flags, directory: directory, existing: flags.useExistingDatabase)
        var storeIsFresh = !flags.useExistingDatabase
        for (position, name) in flags.benchmarks.enumerated() {
            let kind = BenchmarkKind(rawValue: name)!
            if kind.needsFreshDatabase {
                if flags.useExistingDatabase {
                    printNow(paddedName(name) + " : skipped (--use_existing_db is true)")
                    continue
                }
                if !storeIsFresh {
                    try target.close()
                    target = try LSMStoreTarget.open(flags: flags, directory: directory, existing: false)
                }
            }
            storeIsFresh = false
            printNow("DB path: [\(directory)]")
            let report = try runner.run(kind, position: position, on: target)
            printNow(report.resultLine(name: name))
            if let histogram = report.stats.histogram {
                for line in histogram.report(operationName: kind.operationName) { printNow(line) }
            }
        }
        try target.close()
    }

    /// The seed of the key choices: `--seed`, or one from the clock, announced as db_bench does.
    private func resolveSeed() -> UInt64 {
        if flags.seed != 0 { return UInt64(bitPattern: flags.seed) }
        let seed = SystemClock().nowMicros()
        printError("Set seed to \(seed) because --seed was 0")
        return UInt64(bitPattern: seed)
    }

    /// db_bench's header lines (the ones that apply), then our engine settings.
    private func printHeader() {
        let keyBytes = Double(flags.keySizeBytes), valueBytes = Double(flags.valueSizeBytes)
        let compressedValueBytes = Int(valueBytes * flags.compressionRatio + 0.5)
        printError("lsm-bench:  LSMStore (db_bench-compatible)")
        printNow("Keys:       \(flags.keySizeBytes) bytes each (+ 0 bytes user-defined timestamp)")
        printNow("Values:     \(flags.valueSizeBytes) bytes each (\(compressedValueBytes) bytes after compression)")
        printNow("Entries:    \(flags.num)")
        printNow(cFormat("RawSize:    %.1f MB (estimated)", (keyBytes + valueBytes) * Double(flags.num) / 1_048_576.0))
        printNow(cFormat("FileSize:   %.1f MB (estimated)",
                         (keyBytes + valueBytes * flags.compressionRatio) * Double(flags.num) / 1_048_576.0))
        printNow("Compression: " + (flags.compression == .lz4 ? "LZ4" : "NoCompression"))
        printNow("Engine:     LSMStore, leveled compaction (engine defaults), background compaction unthrottled")
        printNow("Memtable:   \(flags.writeBufferSizeBytes) bytes (--write_buffer_size)")
        printNow("BlockCache: \(flags.cacheSizeBytes) bytes (--cache_size)")
        printNow("CommitLog:  " + (flags.sync ? "batch sync (--sync=1)" : "periodic sync (engine default window)"))
        printNow("Threads:    \(flags.threads)")
        printNow("------------------------------------------------")
    }

    private func paddedName(_ name: String) -> String {
        name.count >= 12 ? name : name + String(repeating: " ", count: 12 - name.count)
    }
}
