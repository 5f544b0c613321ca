/// How the serialized values of a column order, so that storage statistics (per-block
/// min/max in SSTables) can compare values without knowing the column's CQL type.
///
/// Values are in Cassandra's big-endian serializations. `sortKey(_:)` maps a value to bytes
/// whose unsigned lexicographic order is the typed order; the raw values are part of the
/// SSTable writer options persisted in the manifest, so they are never reused.
public enum ValueOrdering: UInt8, Sendable, Hashable, CaseIterable {
    /// Unsigned bytewise order (text, blob, ascii, and anything without a better rule).
    case bytes = 0
    /// Two's-complement big-endian integers of a fixed width per column (tinyint, smallint,
    /// int, bigint, timestamp, counter).
    case signedInteger = 1
    /// IEEE 754 big-endian floating point (float: 4 bytes, double: 8 bytes).
    case floatingPoint = 2

    /// The order-preserving form of `value`.
    ///
    /// - `bytes`: the value itself.
    /// - `signedInteger`: the sign bit of the first byte flipped. Orders values of one width;
    ///   values of different widths do not compare meaningfully.
    /// - `floatingPoint`: when the sign bit is set, every bit inverted, else the sign bit
    ///   flipped. Gives -inf < negatives < -0 < +0 < positives < +inf < NaN (a NaN with the
    ///   sign bit set sorts below -inf). Applied as written to values of any length.
    ///
    /// An empty value maps to an empty key. Costs one allocation of `value.count` bytes.
    public func sortKey(_ value: UnsafeRawBufferPointer) -> [UInt8] {
        var key: [UInt8] = []
        sortKey(value, into: &key)
        return key
    }

    /// Writes the sort key of `value` into `key`, replacing its contents and reusing its
    /// storage (no allocation once `key` has grown to the largest value).
    public func sortKey(_ value: UnsafeRawBufferPointer, into key: inout [UInt8]) {
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: value)
        guard !key.isEmpty else { return }
        switch self {
        case .bytes:
            break
        case .signedInteger:
            key[0] ^= 0x80
        case .floatingPoint:
            if key[0] & 0x80 != 0 {
                for index in key.indices { key[index] = ~key[index] }
            } else {
                key[0] ^= 0x80
            }
        }
    }

    /// The sort key of an array value.
    public func sortKey(_ value: [UInt8]) -> [UInt8] {
        value.withUnsafeBytes { sortKey($0) }
    }
}
