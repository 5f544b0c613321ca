import KVCore

/// A compaction to run: merge `inputs` into new files at `outputLevel`.
struct CompactionTask {
    let inputs: [SSTableHandle]
    let outputLevel: Int
    /// Output files are cut at partition boundaries once this size is reached (nil: one file).
    let targetFileSizeBytes: Int?
    /// A single input with nothing to merge with: move it to `outputLevel` without rewriting.
    let isTrivialMove: Bool
}

/// Decides what to compact next from a table's levels. Pure: reads no clock, does no I/O.
enum CompactionPicker {
    /// Files smaller than this share one size-tiered bucket (Cassandra's min_sstable_size).
    static let smallFileBytes = 50 << 20

    static func pick(levels: [[SSTableHandle]], strategy: CompactionStrategy,
                     cursors: [Int: [UInt8]]) -> CompactionTask? {
        switch strategy {
        case let .sizeTiered(minThreshold, maxThreshold, bucketLow, bucketHigh):
            return pickSizeTiered(levels.flatMap { $0 }, minThreshold: minThreshold, maxThreshold: maxThreshold,
                                  bucketLow: bucketLow, bucketHigh: bucketHigh)
        case let .leveled(targetFileSizeBytes, levelOneSizeBytes, fanout, levelZeroTrigger):
            return pickLeveled(levels, targetFileSizeBytes: targetFileSizeBytes, levelOneSizeBytes: levelOneSizeBytes,
                               fanout: fanout, levelZeroTrigger: levelZeroTrigger, cursors: cursors)
        }
    }

    /// Everything into one run at the deepest level (a manual, major compaction).
    static func pickMajor(levels: [[SSTableHandle]], strategy: CompactionStrategy) -> CompactionTask? {
        let files = levels.flatMap { $0 }
        guard !files.isEmpty else { return nil }
        switch strategy {
        case .sizeTiered:
            return files.count < 2 && !hasPurgeCandidates(files) ? nil
                : CompactionTask(inputs: files, outputLevel: 0, targetFileSizeBytes: nil, isTrivialMove: false)
        case .leveled(let targetFileSizeBytes, _, _, _):
            let deepest = max(1, levels.lastIndex { !$0.isEmpty } ?? 1)
            return CompactionTask(inputs: files, outputLevel: deepest, targetFileSizeBytes: targetFileSizeBytes,
                                  isTrivialMove: false)
        }
    }

    private static func hasPurgeCandidates(_ files: [SSTableHandle]) -> Bool {
        files.contains { $0.statistics.minLocalDeletionSeconds != Int64.max }
    }

    // MARK: Size-tiered

    static func pickSizeTiered(_ files: [SSTableHandle], minThreshold: Int, maxThreshold: Int,
                               bucketLow: Double, bucketHigh: Double) -> CompactionTask? {
        let buckets = sizeBuckets(files, bucketLow: bucketLow, bucketHigh: bucketHigh)
        let candidates = buckets.filter { $0.count >= minThreshold }
        guard let chosen = candidates.min(by: { averageSize($0) < averageSize($1) }) else { return nil }
        let inputs = Array(chosen.sorted { $0.sizeBytes < $1.sizeBytes }.prefix(maxThreshold))
        return CompactionTask(inputs: inputs, outputLevel: 0, targetFileSizeBytes: nil, isTrivialMove: false)
    }

    /// Groups files whose sizes are within [low, high] times their bucket's average.
    static func sizeBuckets(_ files: [SSTableHandle], bucketLow: Double, bucketHigh: Double) -> [[SSTableHandle]] {
        var buckets: [[SSTableHandle]] = []
        for file in files.sorted(by: { $0.sizeBytes < $1.sizeBytes }) {
            let size = Double(file.sizeBytes)
            if let last = buckets.last {
                let average = averageSize(last)
                let fits = (size >= average * bucketLow && size <= average * bucketHigh)
                    || (file.sizeBytes < smallFileBytes && average < Double(smallFileBytes))
                if fits {
                    buckets[buckets.count - 1].append(file)
                    continue
                }
            }
            buckets.append([file])
        }
        return buckets
    }

    static func averageSize(_ files: [SSTableHandle]) -> Double {
        Double(files.reduce(0) { $0 + $1.sizeBytes }) / Double(max(files.count, 1))
    }

    // MARK: Leveled

    static func pickLeveled(_ levels: [[SSTableHandle]], targetFileSizeBytes: Int, levelOneSizeBytes: Int,
                            fanout: Int, levelZeroTrigger: Int, cursors: [Int: [UInt8]]) -> CompactionTask? {
        if let levelZero = levels.first, levelZero.count >= levelZeroTrigger {
            let (first, end) = partitionRange(levelZero)
            let overlapping = files(at: 1, in: levels).filter { $0.overlaps(first: first, end: end) }
            return CompactionTask(inputs: levelZero + overlapping, outputLevel: 1,
                                  targetFileSizeBytes: targetFileSizeBytes, isTrivialMove: false)
        }
        var best: (level: Int, score: Double)?
        var target = Double(levelOneSizeBytes)
        for level in 1..<max(levels.count, 1) {
            let score = Double(levels[level].reduce(0) { $0 + $1.sizeBytes }) / target
            if score > 1, score > (best?.score ?? 0) { best = (level, score) }
            target *= Double(fanout)
        }
        guard let level = best?.level else { return nil }
        let file = nextFile(in: levels[level], after: cursors[level])
        let overlapping = files(at: level + 1, in: levels).filter {
            $0.overlaps(first: file.firstPartition, end: file.partitionsEnd)
        }
        return CompactionTask(inputs: [file] + overlapping, outputLevel: level + 1,
                              targetFileSizeBytes: targetFileSizeBytes, isTrivialMove: overlapping.isEmpty)
    }

    private static func files(at level: Int, in levels: [[SSTableHandle]]) -> [SSTableHandle] {
        level < levels.count ? levels[level] : []
    }

    /// Round-robin: the first file whose last key is past the cursor, else the first file.
    private static func nextFile(in files: [SSTableHandle], after cursor: [UInt8]?) -> SSTableHandle {
        guard let cursor else { return files[0] }
        return files.first { compareBytes($0.lastKey, cursor) > 0 } ?? files[0]
    }

    /// The whole partitions `files` touch: the first partition's prefix and the end of the last.
    static func partitionRange(_ files: [SSTableHandle]) -> (first: [UInt8], end: [UInt8]) {
        var first = files[0].firstPartition, end = files[0].partitionsEnd
        for file in files.dropFirst() {
            if compareBytes(file.firstPartition, first) < 0 { first = file.firstPartition }
            if compareBytes(file.partitionsEnd, end) > 0 { end = file.partitionsEnd }
        }
        return (first, end)
    }
}
