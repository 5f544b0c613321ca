import KVCore

/// The index of an SSTable's data blocks, held in memory by the reader: per block its last
/// key, its handle and its `BlockStatistics`, in key order.
///
///     index block:  entry count varint | entry*
///     entry:        last key (length-prefixed) | offset varint | size varint | BlockStatistics
///
/// The last key is the block's exact last key (not a shortened separator), so
/// `SSTableReader.blockLastKey` is a real key. Immutable and Sendable; lookups do not allocate.
struct SSTableIndex: Sendable {
    /// All last keys, back to back.
    private let keyBytes: [UInt8]
    /// `keyEnds[i]` is where block i's last key ends in `keyBytes`.
    private let keyEnds: [Int]
    let handles: [BlockHandle]
    let statistics: [BlockStatistics]

    var count: Int { handles.count }

    /// Block `index`'s last key, copied.
    func lastKey(_ index: Int) -> [UInt8] {
        Array(keyBytes[keyStart(index)..<keyEnds[index]])
    }

    private func keyStart(_ index: Int) -> Int { index == 0 ? 0 : keyEnds[index - 1] }

    /// The first block whose last key is >= `key`: the only block that can hold `key` or
    /// the first key after it. `count` when `key` is past every block.
    func firstBlock(atOrAfter key: UnsafeRawBufferPointer) -> Int {
        keyBytes.withUnsafeBytes { all in
            var low = 0, high = handles.count
            while low < high {
                let middle = (low + high) / 2
                let lastKey = UnsafeRawBufferPointer(rebasing: all[keyStart(middle)..<keyEnds[middle]])
                if compareBytes(lastKey, key) < 0 { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    // MARK: Decoding

    /// Reads an index block. Every handle must end by `dataEndOffset` and last keys must
    /// strictly increase.
    init(decoding bytes: UnsafeRawBufferPointer, dataEndOffset: Int) throws(DecodeError) {
        var reader = ByteReader(bytes)
        let count = try reader.readLength(limit: reader.remaining)
        var keyBytes: [UInt8] = [], keyEnds: [Int] = [], handles: [BlockHandle] = [], statistics: [BlockStatistics] = []
        keyEnds.reserveCapacity(count)
        handles.reserveCapacity(count)
        statistics.reserveCapacity(count)
        var previousKey: UnsafeRawBufferPointer?
        for _ in 0..<count {
            let start = reader.offset
            let key = try reader.readSlice(try reader.readLength(limit: reader.remaining))
            if let previousKey, compareBytes(previousKey, key) >= 0 {
                throw .malformed(offset: start, reason: "index keys out of order")
            }
            previousKey = key
            keyBytes.append(contentsOf: key)
            keyEnds.append(keyBytes.count)
            handles.append(try BlockHandle.decode(from: &reader, limitOffset: dataEndOffset))
            statistics.append(try BlockStatistics.decode(from: &reader))
        }
        guard reader.isAtEnd else { throw .malformed(offset: reader.offset, reason: "bytes after the index") }
        self.keyBytes = keyBytes
        self.keyEnds = keyEnds
        self.handles = handles
        self.statistics = statistics
    }
}

/// Accumulates index entries while an SSTable is written. Single-threaded.
struct SSTableIndexBuilder {
    private var entries = ByteWriter(capacity: 4096)
    private(set) var count = 0

    /// Adds the entry of the block just written; blocks come in key order.
    mutating func add(lastKey: [UInt8], handle: BlockHandle, statistics: BlockStatistics) {
        entries.writeLengthPrefixed(lastKey)
        handle.encode(into: &entries)
        statistics.encode(into: &entries)
        count += 1
    }

    /// The index block.
    func finish() -> [UInt8] {
        var writer = ByteWriter(capacity: entries.count + 10)
        writer.writeVarint(UInt64(count))
        writer.writeBytes(entries.bytes)
        return writer.bytes
    }
}
