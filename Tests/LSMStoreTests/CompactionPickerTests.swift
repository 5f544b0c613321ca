import KVCore
import Testing
@testable import LSMStore

/// Writes small real SSTables (uncompressed, so their size is predictable) whose rows are
/// partitions `first...last`, one row each, and opens them as handles.
private final class PickerSSTables {
    let fileSystem = SimulatedFileSystem()
    private var nextFileNumber: UInt64 = 1

    init() throws { try fileSystem.createDirectory("/t") }

    static func partitionKey(_ number: Int) -> [UInt8] {
        withUnsafeBytes(of: UInt32(number).bigEndian) { Array($0) }
    }

    func make(_ partitions: ClosedRange<Int>, valueBytes: Int = 100, tombstoneAt: Int? = nil) throws -> SSTableHandle {
        let fileNumber = nextFileNumber
        nextFileNumber += 1
        let path = "/t/\(fileNumber).sst"
        let writer = try SSTableWriter(path: path, fileSystem: fileSystem,
                                       options: SSTableWriterOptions(blockSizeBytes: 64 << 10, compression: .none))
        let value = [UInt8](repeating: 0x5A, count: valueBytes)
        for number in partitions {
            let key = RowKey.encode(partition: Self.partitionKey(number), clustering: [])
            if number == tombstoneAt {
                try writer.add(PartitionTombstones(partitionPrefix: RowKey.partitionPrefix(Self.partitionKey(number)),
                                                   deletion: DeletionTime(timestamp: 1, localSeconds: 1)))
            }
            try writer.add(key: key, row: RowCodec.encode(Row(cells: [.live(column: 1, timestamp: 1, value: value)])))
        }
        _ = try writer.finish()
        return try open(path, fileNumber: fileNumber)
    }

    /// Another handle (another file number) on an existing file.
    func reopen(_ handle: SSTableHandle) throws -> SSTableHandle {
        let fileNumber = nextFileNumber
        nextFileNumber += 1
        return try open(handle.reader.path, fileNumber: fileNumber)
    }

    private func open(_ path: String, fileNumber: UInt64) throws -> SSTableHandle {
        let reader = try SSTableReader.open(path: path, fileNumber: fileNumber, fileSystem: fileSystem, cache: nil)
        return SSTableHandle(reader: reader, fileSystem: fileSystem)
    }
}

private func numbers(_ files: [SSTableHandle]) -> [UInt64] { files.map(\.fileNumber) }

@Suite struct CompactionPickerTests {
    static let sizeTiered = CompactionStrategy.sizeTiered(minThreshold: 4, maxThreshold: 6)

    static func leveled(levelOne: Int = 100_000, fanout: Int = 10, trigger: Int = 4) -> CompactionStrategy {
        .leveled(targetFileSizeBytes: 8 << 10, levelOneSizeBytes: levelOne, fanout: fanout, levelZeroTrigger: trigger)
    }

    // MARK: Size-tiered

    @Test func sizeTieredWaitsForMinThresholdFiles() throws {
        let tables = try PickerSSTables()
        var files = try (0..<3).map { index in try tables.make(index * 10...(index * 10 + 5)) }
        #expect(CompactionPicker.pick(levels: [files], strategy: Self.sizeTiered, cursors: [:]) == nil)
        files.append(try tables.make(40...45))
        let task = try #require(CompactionPicker.pick(levels: [files], strategy: Self.sizeTiered, cursors: [:]))
        #expect(Set(numbers(task.inputs)) == Set(numbers(files)))
        #expect(task.outputLevel == 0 && task.targetFileSizeBytes == nil && !task.isTrivialMove)
    }

    @Test func sizeTieredTakesAtMostMaxThresholdOfTheSmallestFiles() throws {
        let tables = try PickerSSTables()
        // Sizes grow with the partition count: file i holds i + 1 partitions.
        let files = try (0..<9).map { index in try tables.make(0...index) }
        let task = try #require(CompactionPicker.pick(levels: [files.reversed()], strategy: Self.sizeTiered, cursors: [:]))
        #expect(numbers(task.inputs) == numbers(Array(files.prefix(6))))
        #expect(zip(task.inputs, task.inputs.dropFirst()).allSatisfy { $0.sizeBytes <= $1.sizeBytes })
    }

    @Test func sizeTieredLooksAtEveryLevel() throws {
        let tables = try PickerSSTables()
        let files = try (0..<4).map { index in try tables.make(index...index) }
        let task = CompactionPicker.pick(levels: [[files[0]], [files[1], files[2]], [], [files[3]]],
                                         strategy: Self.sizeTiered, cursors: [:])
        #expect(task.map { Set(numbers($0.inputs)) } == Set(numbers(files)))
    }

    @Test func smallFilesShareOneBucketWhateverTheirSizes() throws {
        let tables = try PickerSSTables()
        let files = [try tables.make(0...0, valueBytes: 10), try tables.make(1...1, valueBytes: 40_000),
                     try tables.make(2...2, valueBytes: 2_000_000)]
        #expect(files[2].sizeBytes > 100 * files[0].sizeBytes)
        let buckets = CompactionPicker.sizeBuckets(files, bucketLow: 0.5, bucketHigh: 1.5)
        #expect(buckets.count == 1 && buckets[0].count == 3)
    }

    /// Files of 50 MiB and more are bucketed by size ratio: within `bucketHigh` times the
    /// bucket's average they join it, beyond it they start a new bucket; small files stay apart.
    @Test func largeFilesAreBucketedBySizeRatio() throws {
        let tables = try PickerSSTables()
        let megabyte = 1 << 20
        let small = try tables.make(0...0, valueBytes: 1_000)
        let fiftyOne = try tables.make(1...51, valueBytes: megabyte)
        let sixty = try tables.make(100...159, valueBytes: megabyte)
        let fiftyOneAgain = try tables.reopen(fiftyOne)
        #expect(fiftyOne.sizeBytes > CompactionPicker.smallFileBytes)
        let files = [sixty, small, fiftyOne, fiftyOneAgain]
        // Buckets come out smallest first; files of equal size may come in either order.
        let wide = CompactionPicker.sizeBuckets(files, bucketLow: 0.5, bucketHigh: 1.5)
        #expect(wide.map { Set(numbers($0)) } == [[small.fileNumber], [fiftyOne.fileNumber, fiftyOneAgain.fileNumber, sixty.fileNumber]])
        let narrow = CompactionPicker.sizeBuckets(files, bucketLow: 0.5, bucketHigh: 1.1)
        #expect(narrow.map { Set(numbers($0)) } == [[small.fileNumber], [fiftyOne.fileNumber, fiftyOneAgain.fileNumber], [sixty.fileNumber]])
        // With min threshold 2 the narrow bucketing offers one candidate: the two 51 MiB files.
        let task = CompactionPicker.pickSizeTiered(files, minThreshold: 2, maxThreshold: 32, bucketLow: 0.5, bucketHigh: 1.1)
        #expect(task.map { Set(numbers($0.inputs)) } == [fiftyOne.fileNumber, fiftyOneAgain.fileNumber])
        // With threshold 1 the bucket with the smallest average wins.
        let smallest = CompactionPicker.pickSizeTiered(files, minThreshold: 1, maxThreshold: 32, bucketLow: 0.5, bucketHigh: 1.1)
        #expect(smallest.map { numbers($0.inputs) } == [small.fileNumber])
    }

    @Test func majorSizeTieredCompactionNeedsTwoFilesOrSomethingToPurge() throws {
        let tables = try PickerSSTables()
        #expect(CompactionPicker.pickMajor(levels: [[]], strategy: Self.sizeTiered) == nil)
        let plain = try tables.make(0...3)
        #expect(CompactionPicker.pickMajor(levels: [[plain]], strategy: Self.sizeTiered) == nil)
        let withTombstone = try tables.make(0...3, tombstoneAt: 2)
        let purge = try #require(CompactionPicker.pickMajor(levels: [[withTombstone]], strategy: Self.sizeTiered))
        #expect(numbers(purge.inputs) == [withTombstone.fileNumber])
        let both = try #require(CompactionPicker.pickMajor(levels: [[plain, withTombstone]], strategy: Self.sizeTiered))
        #expect(Set(numbers(both.inputs)) == [plain.fileNumber, withTombstone.fileNumber] && both.outputLevel == 0)
    }

    // MARK: Leveled

    @Test func levelZeroTriggerCompactsLevelZeroWithOverlappingLevelOneFiles() throws {
        let tables = try PickerSSTables()
        let levelZero = [try tables.make(0...9), try tables.make(5...14), try tables.make(20...25)]
        let levelOne = [try tables.make(25...28), try tables.make(30...40), try tables.make(41...45)]
        let strategy = Self.leveled(trigger: 4)
        #expect(CompactionPicker.pick(levels: [levelZero, levelOne], strategy: strategy, cursors: [:]) == nil)
        let fourth = try tables.make(3...4)
        let task = try #require(CompactionPicker.pick(levels: [[fourth] + levelZero, levelOne], strategy: strategy, cursors: [:]))
        #expect(Set(numbers(task.inputs)) == Set(numbers([fourth] + levelZero + [levelOne[0]])),
                "partition 25 is in both levels; 30... is not")
        #expect(task.outputLevel == 1 && !task.isTrivialMove && task.targetFileSizeBytes == 8 << 10)
    }

    @Test func theLevelWithTheHighestScoreOverOneIsCompacted() throws {
        let tables = try PickerSSTables()
        // Level 1: about 30 KB against a 20 KB target (score ~1.5).
        let levelOne = [try tables.make(0...99), try tables.make(100...199), try tables.make(200...299)]
        // Level 2: about 50 KB against 20 KB * 2 = 40 KB (score ~1.25).
        let levelTwo = try (0..<5).map { index in try tables.make((index * 100 + 50)...(index * 100 + 99)) }
            + (0..<5).map { index in try tables.make((600 + index * 100)...(600 + index * 100 + 49)) }
        let levelOneBytes = levelOne.reduce(0) { $0 + $1.sizeBytes }
        let levelTwoBytes = levelTwo.reduce(0) { $0 + $1.sizeBytes }
        let target = levelOneBytes * 2 / 3
        #expect(Double(levelTwoBytes) / Double(target * 2) > 1)
        #expect(Double(levelTwoBytes) / Double(target * 2) < Double(levelOneBytes) / Double(target))
        let task = try #require(CompactionPicker.pick(levels: [[], levelOne, levelTwo],
                                                      strategy: Self.leveled(levelOne: target, fanout: 2), cursors: [:]))
        #expect(task.outputLevel == 2)
        #expect(numbers(task.inputs) == [levelOne[0].fileNumber, levelTwo[0].fileNumber])
        #expect(!task.isTrivialMove)
        // With a single file in level 1, under its target, only level 2 is over, and its first
        // file moves down: level 3 is empty.
        let deeper = try #require(CompactionPicker.pick(levels: [[], [levelOne[0]], levelTwo],
                                                        strategy: Self.leveled(levelOne: levelOne[0].sizeBytes + 1, fanout: 2),
                                                        cursors: [:]))
        #expect(deeper.outputLevel == 3 && deeper.isTrivialMove && numbers(deeper.inputs) == [levelTwo[0].fileNumber])
        // Nothing over its target: nothing to do.
        #expect(CompactionPicker.pick(levels: [[], levelOne, levelTwo],
                                      strategy: Self.leveled(levelOne: levelOneBytes * 4, fanout: 10), cursors: [:]) == nil)
    }

    @Test func aFileWithNothingBelowIsMovedTrivially() throws {
        let tables = try PickerSSTables()
        let levelOne = [try tables.make(0...99), try tables.make(200...299)]
        let levelTwo = [try tables.make(99...150)]
        let strategy = Self.leveled(levelOne: 1_000)
        let first = try #require(CompactionPicker.pick(levels: [[], levelOne, levelTwo], strategy: strategy, cursors: [:]))
        #expect(numbers(first.inputs) == [levelOne[0].fileNumber, levelTwo[0].fileNumber] && !first.isTrivialMove,
                "partition 99 is in both files")
        let second = try #require(CompactionPicker.pick(levels: [[], levelOne, levelTwo], strategy: strategy,
                                                        cursors: [1: levelOne[0].lastKey]))
        #expect(numbers(second.inputs) == [levelOne[1].fileNumber] && second.isTrivialMove && second.outputLevel == 2)
    }

    @Test func roundRobinCursorPicksTheNextFileAndWraps() throws {
        let tables = try PickerSSTables()
        let levelOne = try (0..<4).map { index in try tables.make((index * 10)...(index * 10 + 9)) }
        let strategy = Self.leveled(levelOne: 1_000)
        func picked(_ cursor: [UInt8]?) throws -> UInt64 {
            let cursors = cursor.map { [1: $0] } ?? [:]
            let task = try #require(CompactionPicker.pick(levels: [[], levelOne], strategy: strategy, cursors: cursors))
            return task.inputs[0].fileNumber
        }
        #expect(try picked(nil) == levelOne[0].fileNumber)
        #expect(try picked(levelOne[0].lastKey) == levelOne[1].fileNumber)
        #expect(try picked(levelOne[2].lastKey) == levelOne[3].fileNumber)
        #expect(try picked(levelOne[3].lastKey) == levelOne[0].fileNumber, "past the last file it wraps")
        // A cursor between files picks the next file after it.
        #expect(try picked(RowKey.encode(partition: PickerSSTables.partitionKey(15), clustering: [])) == levelOne[1].fileNumber)
    }

    @Test func majorLeveledCompactionGoesToTheDeepestLevel() throws {
        let tables = try PickerSSTables()
        let a = try tables.make(0...5), b = try tables.make(3...9), c = try tables.make(10...12)
        let strategy = Self.leveled()
        let onlyZero = try #require(CompactionPicker.pickMajor(levels: [[a, b]], strategy: strategy))
        #expect(onlyZero.outputLevel == 1 && Set(numbers(onlyZero.inputs)) == [a.fileNumber, b.fileNumber])
        let deep = try #require(CompactionPicker.pickMajor(levels: [[a], [], [b], [c], []], strategy: strategy))
        #expect(deep.outputLevel == 3 && Set(numbers(deep.inputs)) == [a.fileNumber, b.fileNumber, c.fileNumber])
        #expect(deep.targetFileSizeBytes == 8 << 10)
    }

    @Test func partitionRangeAndOverlapCompareWholePartitions() throws {
        let tables = try PickerSSTables()
        let a = try tables.make(0...9), b = try tables.make(9...12), c = try tables.make(13...20)
        let (first, end) = CompactionPicker.partitionRange([b, a])
        #expect(first == RowKey.partitionPrefix(PickerSSTables.partitionKey(0)))
        #expect(end.lexicographicallyPrecedes(RowKey.partitionPrefix(PickerSSTables.partitionKey(13))))
        #expect(RowKey.encode(partition: PickerSSTables.partitionKey(12), clustering: [0xFF, 0xFF]).lexicographicallyPrecedes(end))
        #expect(a.overlaps(first: b.firstPartition, end: b.partitionsEnd))
        #expect(!b.overlaps(first: c.firstPartition, end: c.partitionsEnd))
        #expect(!c.overlaps(first: first, end: end))
    }
}
