import KVCore

/// Random writes and deletions over a few partitions with tricky keys.
struct RandomHistory {
    static let partitions: [[UInt8]] = [[], [0], [0, 0], [1], [1, 0], [0x41], [0xFF]]
    let random: SeededRandomSource
    let clock: ManualClock
    var writeCounter: Int64 = 1000
    /// The lengths rows' clusterings take (range tombstones' bounds take 0..<4 bytes).
    var rowClusteringLengths = 0..<4

    private func bytes(alphabet: [UInt8], length: Range<Int>) -> [UInt8] {
        (0..<random.next(in: length)).map { _ in alphabet[random.next(in: 0..<alphabet.count)] }
    }

    static let clusteringAlphabet: [UInt8] = [0x00, 0x10, 0xFF]

    private func clustering(lengths: Range<Int> = 0..<4) -> [UInt8] {
        bytes(alphabet: Self.clusteringAlphabet, length: lengths)
    }

    private mutating func timestamp() -> Int64 {
        writeCounter += 1
        return (writeCounter - Int64(random.next(below: 30))) * 1000
    }

    mutating func randomUpdate() -> PartitionUpdate {
        let now = clock.nowSeconds()
        var update = PartitionUpdate(partitionKey: Self.partitions[random.next(in: 0..<Self.partitions.count)])
        switch random.next(below: 100) {
        case 0..<4: update.partitionDeletion = DeletionTime(timestamp: timestamp(), localSeconds: now)
        case 4..<10:
            update.rangeTombstones = [RangeTombstone(
                start: ClusteringBound(prefix: clustering(), isInclusive: random.chance(0.5)),
                end: ClusteringBound(prefix: clustering(), isInclusive: random.chance(0.5)),
                deletion: DeletionTime(timestamp: timestamp(), localSeconds: now))]
        case 10..<16: update.rows = [Row(clustering: clustering(lengths: rowClusteringLengths), deletion: DeletionTime(timestamp: timestamp(), localSeconds: now))]
        default: update.rows = [randomRow(now: now)]
        }
        return update
    }

    private mutating func randomRow(now: Int64) -> Row {
        var cells: [Cell] = []
        for column in UInt32(0)...3 where random.chance(0.5) {
            let path: [UInt8] = column == 3 ? [UInt8(random.next(below: 3))] : []
            let value = bytes(alphabet: [1, 2, 3], length: 0..<20)
            switch random.next(below: 10) {
            case 0: cells.append(.tombstone(column: column, path: path, timestamp: timestamp(), nowSeconds: now))
            case 1, 2:
                cells.append(.expiring(column: column, path: path, timestamp: timestamp(), value: value,
                                       ttlSeconds: Int32(random.next(in: 1..<20)), nowSeconds: now))
            default: cells.append(.live(column: column, path: path, timestamp: timestamp(), value: value))
            }
        }
        return Row(clustering: clustering(lengths: rowClusteringLengths), unsortedCells: cells)
    }
}
