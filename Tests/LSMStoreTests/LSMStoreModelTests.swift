import KVCore
import Testing
@testable import LSMStore

/// Random puts, deletes, range deletes and TTL writes with random flushes, compactions,
/// clean reopens and simulated power losses, checked after every step against `TableModel`.
@Suite struct LSMStoreModelTests {
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6]
    static let operationsPerSeed = 10_000
    static let table = TableID(high: 7, low: 7)

    @Test(arguments: seeds)
    func randomOperationsMatchTheModel(seed: UInt64) throws {
        var run = ModelRun(seed: seed)
        defer { run.finish() }
        try run.execute(operations: Self.operationsPerSeed)
    }
}

/// One seeded run of the model test.
struct ModelRun {
    let seed: UInt64
    let random: SeededRandomSource
    let fileSystem = SimulatedFileSystem()
    let clock = ManualClock()
    var model = TableModel()
    var store: LSMStore?
    var writeCounter: Int64 = 1000
    let compaction: CompactionStrategy

    init(seed: UInt64) {
        self.seed = seed
        random = SeededRandomSource(seed: seed)
        compaction = seed % 2 == 0
            ? .sizeTiered(minThreshold: 2, maxThreshold: 8)
            : .leveled(targetFileSizeBytes: 16 << 10, levelOneSizeBytes: 64 << 10, fanout: 4, levelZeroTrigger: 2)
    }

    var storeOptions: StoreOptions {
        var options = StoreOptions()
        options.commitLog = CommitLogOptions(syncMode: .batch, segmentSizeBytes: 64 << 10)
        options.memtableSizeBytes = 24 << 10
        options.blockCacheSizeBytes = 1 << 20
        options.compactionThroughputBytesPerSecond = 0
        return options
    }

    var tableOptions: TableOptions {
        var options = TableOptions(compaction: compaction, gcGraceSeconds: 100)
        options.sstable.blockSizeBytes = 512
        return options
    }

    mutating func execute(operations: Int) throws {
        store = try LSMStore.open(directory: "/db", options: storeOptions, fileSystem: fileSystem, clock: clock)
        try store!.createTable(ModelRunTable.id, options: tableOptions)
        for step in 0..<operations {
            try perform(step: step)
        }
        try checkEverything(context: "end")
    }

    mutating func finish() {
        try? store?.close()
    }

    var table: LSMTable { store!.table(ModelRunTable.id)! }

    private mutating func perform(step: Int) throws {
        clock.advance(micros: Int64(random.next(below: 2_000_000)))
        let choice = random.next(below: 1000)
        switch choice {
        case 0..<5: try table.flush(); try checkEverything(context: "flush at step \(step)")
        case 5..<8: try table.compact(); try checkEverything(context: "compact at step \(step)")
        case 8..<10: try reopen(crash: false); try checkEverything(context: "reopen at step \(step)")
        case 10..<12: try reopen(crash: true); try checkEverything(context: "power loss at step \(step)")
        default:
            let update = randomUpdate()
            try table.apply(update)
            model.apply(update)
            try checkPartition(update.partitionKey, context: "step \(step)")
        }
        if step % 500 == 499 { try checkEverything(context: "step \(step)") }
    }

    private mutating func reopen(crash: Bool) throws {
        if crash {
            store!.stopAsIfKilled()
            fileSystem.crash(unsynced: .keepRandomPrefix(random))
            store = nil
        } else {
            try store!.close()
        }
        store = try LSMStore.open(directory: "/db", options: storeOptions, fileSystem: fileSystem, clock: clock)
    }

    // MARK: Random updates

    private func randomBytes(alphabet: [UInt8], length: Range<Int>) -> [UInt8] {
        (0..<random.next(in: length)).map { _ in alphabet[random.next(in: 0..<alphabet.count)] }
    }

    private func randomPartition() -> [UInt8] { randomBytes(alphabet: [0x00, 0x01, 0x41, 0xFF], length: 1..<3) }
    private func randomClustering() -> [UInt8] { randomBytes(alphabet: [0x00, 0x10, 0xFF], length: 0..<3) }

    private mutating func nextTimestamp() -> Int64 {
        writeCounter += 1
        // Mostly increasing, sometimes out of order: reconciliation must not depend on arrival.
        return (writeCounter - Int64(random.next(below: 20))) * 1000
    }

    private mutating func randomUpdate() -> PartitionUpdate {
        var update = PartitionUpdate(partitionKey: randomPartition())
        let now = clock.nowSeconds()
        switch random.next(below: 100) {
        case 0..<3:
            update.partitionDeletion = DeletionTime(timestamp: nextTimestamp(), localSeconds: now)
        case 3..<8:
            update.rangeTombstones = [RangeTombstone(
                start: ClusteringBound(prefix: randomClustering(), isInclusive: random.chance(0.5)),
                end: ClusteringBound(prefix: randomClustering(), isInclusive: random.chance(0.5)),
                deletion: DeletionTime(timestamp: nextTimestamp(), localSeconds: now))]
        case 8..<12:
            update.rows = [Row(clustering: randomClustering(), deletion: DeletionTime(timestamp: nextTimestamp(), localSeconds: now))]
        default:
            update.rows = [randomRow(now: now)]
        }
        return update
    }

    private mutating func randomRow(now: Int64) -> Row {
        var cells: [Cell] = []
        for column in UInt32(0)...3 where random.chance(0.5) {
            let path: [UInt8] = column == 3 ? [UInt8(random.next(below: 3))] : []
            let timestamp = nextTimestamp()
            switch random.next(below: 10) {
            case 0: cells.append(.tombstone(column: column, path: path, timestamp: timestamp, nowSeconds: now))
            case 1, 2:
                cells.append(.expiring(column: column, path: path, timestamp: timestamp,
                                       value: randomBytes(alphabet: [1, 2, 3], length: 0..<40),
                                       ttlSeconds: Int32(random.next(in: 1..<30)), nowSeconds: now))
            default:
                cells.append(.live(column: column, path: path, timestamp: timestamp,
                                   value: randomBytes(alphabet: [1, 2, 3, 0], length: 0..<60)))
            }
        }
        return Row(clustering: randomClustering(), unsortedCells: cells)
    }

    // MARK: Checks

    private func checkPartition(_ partition: [UInt8], context: String) throws {
        let now = clock.nowSeconds()
        for clustering in model.partitions[partition]?.rows.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) ?? [] {
            let expected = model.liveRow(partition: partition, clustering: clustering, nowSeconds: now)
            let actual = try table.read(partition: partition, clustering: clustering)
            #expect(actual == expected, "seed \(seed), \(context): row \(partition)/\(clustering); model: \(String(describing: model.partitions[partition]))")
            if actual != expected { throw ModelMismatch(seed: seed, context: context) }
        }
        let scanner = try table.scan(.partition(partition))
        var scanned: [Row] = []
        while try scanner.next() { scanned.append(try scanner.row()) }
        let expected = model.allLiveRows(nowSeconds: now).filter { $0.partition == partition }.map(\.row)
        #expect(scanned == expected, "seed \(seed), \(context): partition scan \(partition)")
        if scanned != expected { throw ModelMismatch(seed: seed, context: context) }
    }

    private func checkEverything(context: String) throws {
        let now = clock.nowSeconds()
        let scanner = try table.scan()
        var scanned: [([UInt8], Row)] = []
        while try scanner.next() { scanned.append((scanner.partitionKey, try scanner.row())) }
        let expected = model.allLiveRows(nowSeconds: now)
        let matches = scanned.count == expected.count
            && zip(scanned, expected).allSatisfy { $0.0 == $1.partition && $0.1 == $1.row }
        #expect(matches, "seed \(seed), \(context): full scan found \(scanned.count) rows, model has \(expected.count)")
        if !matches { throw ModelMismatch(seed: seed, context: context) }
    }
}

enum ModelRunTable {
    static let id = TableID(high: 7, low: 7)
}

struct ModelMismatch: Error, CustomStringConvertible {
    let seed: UInt64
    let context: String
    var description: String { "engine and model disagree (seed \(seed), \(context)); rerun with this seed to replay" }
}
