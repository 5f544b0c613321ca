import KVCore

/// Cassandra's `org.apache.cassandra.dht.Murmur3Partitioner`, bit for bit: a partition's
/// token is the first 64-bit half of MurmurHash3 x64 128 (seed 0, Cassandra's signed-tail
/// variant) of its serialized partition key, read as a signed `Int64`, with `Int64.min`
/// mapped to `Int64.max` so that `Token.minimum` is never a partition's token.
///
/// The key bytes are the partition key exactly as Cassandra serializes it (a single
/// column's value bytes; for a composite key, each component as a 2-byte big-endian length,
/// the bytes and a 0 byte), which is also the drivers' routing key. Pure; cost linear in
/// the key length; no allocation.
public enum Murmur3Partitioner {
    /// The partitioner's class name, as `system.local.partitioner` reports it to drivers.
    public static let name = "org.apache.cassandra.dht.Murmur3Partitioner"

    /// The token of the partition whose serialized key is `partitionKey`.
    public static func token(for partitionKey: [UInt8]) -> Token {
        partitionKey.withUnsafeBytes { token(forKeyBytes: $0) }
    }

    /// The token of the partition whose serialized key is in `partitionKey`; the buffer is
    /// only read during the call.
    public static func token(forKeyBytes partitionKey: UnsafeRawBufferPointer) -> Token {
        let hash = Int64(bitPattern: MurmurHash3.hash128(partitionKey).first)
        return Token(hash == Int64.min ? Int64.max : hash)
    }
}
