import KVCore

/// The storage key of a row: the partition key and the clustering key packed so that
/// comparing packed keys bytewise gives storage order (partition, then clustering).
///
///     escaped partition key | 0x00 0x01 | clustering bytes
///
/// Escaping turns each 0x00 of the partition key into 0x00 0xFF, so the partition part is
/// prefix-free and a shorter partition key sorts before a longer one that extends it
/// (0x01 < 0xFF). Documented in FORMAT.md.
public enum RowKey {
    static let terminator: (UInt8, UInt8) = (0x00, 0x01)
    @usableFromInline static let escapedZero: UInt8 = 0xFF

    /// Packs a partition key and a clustering key.
    public static func encode(partition: [UInt8], clustering: [UInt8]) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(partition.count + clustering.count + 4)
        encode(partition: partition, clustering: clustering, into: &key)
        return key
    }

    /// Packs into `key`, reusing its storage.
    public static func encode(partition: [UInt8], clustering: [UInt8], into key: inout [UInt8]) {
        key.removeAll(keepingCapacity: true)
        key.reserveCapacity(partition.count + clustering.count + 4)
        appendPartitionPrefix(partition, to: &key)
        key.append(contentsOf: clustering)
    }

    /// The packed prefix shared by every row of `partition` (escaped key and terminator).
    public static func partitionPrefix(_ partition: [UInt8]) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(partitionPrefixSizeBytes(partition))
        appendPartitionPrefix(partition, to: &key)
        return key
    }

    /// Calls `body` with the packed key of `partition` and `clustering` and the length of its
    /// partition prefix, packed in temporary memory (on the stack when small): a point read
    /// allocates no key.
    @inline(__always)
    public static func withPacked<Result>(partition: [UInt8], clustering: [UInt8],
                                          _ body: (_ key: UnsafeRawBufferPointer, _ prefixLength: Int) throws -> Result)
        rethrows -> Result {
        // Through buffer pointers: iterating the arrays counted their references.
        try partition.withUnsafeBufferPointer { partition in
            try clustering.withUnsafeBytes { clustering in
                let prefixLength = partitionPrefixSizeBytes(partition)
                return try withUnsafeTemporaryAllocation(byteCount: prefixLength + clustering.count, alignment: 1) { key in
                    var index = 0
                    for byte in partition {
                        key[index] = byte
                        index += 1
                        if byte == 0 {
                            key[index] = escapedZero
                            index += 1
                        }
                    }
                    key[index] = terminator.0
                    key[index + 1] = terminator.1
                    UnsafeMutableRawBufferPointer(rebasing: key[prefixLength...]).copyMemory(from: clustering)
                    return try body(UnsafeRawBufferPointer(key), prefixLength)
                }
            }
        }
    }

    /// The length of `partitionPrefix(partition)`, without building it.
    static func partitionPrefixSizeBytes(_ partition: some Collection<UInt8>) -> Int {
        var zeros = 0
        for index in partition.indices where partition[index] == 0 { zeros += 1 }
        return partition.count + zeros + 2
    }

    static func appendPartitionPrefix(_ partition: [UInt8], to key: inout [UInt8]) {
        withPacked(partition: partition, clustering: []) { prefix, _ in key.append(contentsOf: prefix) }
    }

    /// The length of the partition prefix (including the terminator) of a packed key,
    /// or nil if the key has no terminator (damaged data).
    @inlinable public static func partitionPrefixLength(_ key: UnsafeRawBufferPointer) -> Int? {
        var index = 0
        while index + 1 < key.count {
            if key[index] == 0 {
                if key[index + 1] == 0x01 { return index + 2 }
                guard key[index + 1] == escapedZero else { return nil }
                index += 2
            } else {
                index += 1
            }
        }
        return nil
    }

    /// Unpacks a key into partition and clustering, or nil if it is malformed.
    public static func decode(_ key: UnsafeRawBufferPointer) -> (partition: [UInt8], clustering: [UInt8])? {
        guard let prefixLength = partitionPrefixLength(key) else { return nil }
        var partition: [UInt8] = []
        partition.reserveCapacity(prefixLength - 2)
        var index = 0
        while index < prefixLength - 2 {
            partition.append(key[index])
            index += key[index] == 0 ? 2 : 1
        }
        return (partition, Array(key[prefixLength...]))
    }

    /// Unpacks an array key.
    public static func decode(_ key: [UInt8]) -> (partition: [UInt8], clustering: [UInt8])? {
        key.withUnsafeBytes { decode($0) }
    }
}
