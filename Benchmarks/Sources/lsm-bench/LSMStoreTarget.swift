import KVCore
import LSMStore

/// The benchmarks' target: one `LSMStore` with one leveled table, whose rows are db_bench's
/// key/value pairs: partition key = the key, no clustering, the value in column 1.
///
/// Leveled compaction with the engine's defaults is RocksDB's default shape (64 MiB files,
/// 256 MiB level 1, fanout 10, level-0 trigger 4). Background compaction is unthrottled,
/// as RocksDB's is.
final class LSMStoreTarget: BenchmarkTarget {
    static let tableID = TableID(high: 0, low: 1)
    static let valueColumn: UInt32 = 1

    let store: LSMStore
    let table: LSMTable

    private init(store: LSMStore, table: LSMTable) {
        self.store = store
        self.table = table
    }

    /// Opens the store in `directory` (made empty first unless `existing`).
    static func open(flags: BenchmarkFlags, directory: String, existing: Bool) throws -> LSMStoreTarget {
        if existing {
            try BenchmarkDirectory.checkExisting(directory)
        } else {
            try BenchmarkDirectory.prepareFresh(directory)
        }
        let store = try LSMStore.open(directory: directory, options: storeOptions(flags),
                                      fileSystem: PosixFileSystem(), clock: SystemClock())
        let table: LSMTable
        if let found = store.table(tableID) {
            table = found
        } else {
            table = try store.createTable(tableID, options: tableOptions(flags))
        }
        return LSMStoreTarget(store: store, table: table)
    }

    static func storeOptions(_ flags: BenchmarkFlags) -> StoreOptions {
        var options = StoreOptions()
        options.memtableSizeBytes = flags.writeBufferSizeBytes
        options.blockCacheSizeBytes = flags.cacheSizeBytes
        options.compactionThroughputBytesPerSecond = 0
        if flags.sync { options.commitLog.syncMode = .batch }
        return options
    }

    static func tableOptions(_ flags: BenchmarkFlags) -> TableOptions {
        var options = TableOptions(compaction: .defaultLeveled)
        options.sstable.blockSizeBytes = flags.blockSizeBytes
        options.sstable.dataBlockHashIndex = flags.dataBlockHashIndex
        switch flags.compression {
        case .lz4: options.sstable.compression = .lz4
        case .none: options.sstable.compression = .none
        }
        return options
    }

    func close() throws {
        try store.close()
    }

    // MARK: BenchmarkTarget

    func write(key: [UInt8], value: [UInt8], timestamp: Int64) throws {
        let cell = Cell.live(column: Self.valueColumn, timestamp: timestamp, value: value)
        try table.apply(PartitionUpdate(partitionKey: key, rows: [Row(clustering: [], cells: [cell])]))
    }

    func readValueSize(key: [UInt8]) throws -> Int? {
        guard let row = try table.read(partition: key, clustering: []) else { return nil }
        return row.cells.first { $0.column == Self.valueColumn }?.value.count ?? 0
    }

    func seek(key: [UInt8], steps: Int) throws -> SeekOutcome {
        let scanner = try table.scan(.partitions(from: key, to: nil))
        var valid = try scanner.next()
        let packedKey = RowKey.encode(partition: key, clustering: [])
        var outcome = SeekOutcome(found: valid && scanner.key.elementsEqual(packedKey), rowsVisited: 0, valueBytes: 0)
        while valid && outcome.rowsVisited < steps {
            outcome.valueBytes += try Self.readValue(ofRow: scanner.rowBytes)
            outcome.rowsVisited += 1
            valid = try scanner.next()
        }
        return outcome
    }

    func scan(limit: Int64, visit: (Int) -> Void) throws {
        let scanner = try table.scan()
        var rows: Int64 = 0
        while rows < limit, try scanner.next() {
            visit(try Self.readValue(ofRow: scanner.rowBytes))
            rows += 1
        }
    }

    func compact() throws {
        try table.compact()
    }

    func flush() throws {
        try table.flush()
    }

    /// Decodes a row in place (no allocation) and returns its value's size.
    private static func readValue(ofRow bytes: UnsafeRawBufferPointer) throws -> Int {
        var row = try RowView(bytes)
        while let cell = try row.nextCell() {
            if cell.column == valueColumn { return cell.value.count }
        }
        return 0
    }
}
