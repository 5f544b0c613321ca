import KVCore

/// A logged batch as its batchlog stores it: its id and, per keyspace, the mutations to
/// apply. Replay resolves each keyspace's replication anew (the ring may have changed), so
/// only the keyspace's name travels.
public struct LoggedBatch: Sendable, Equatable {
    /// The mutations of one keyspace.
    public struct Group: Sendable, Equatable {
        public var keyspace: String
        public var mutations: [Mutation]

        public init(keyspace: String, mutations: [Mutation]) {
            self.keyspace = keyspace
            self.mutations = mutations
        }
    }

    public var id: BatchID
    public var groups: [Group]

    public init(id: BatchID, groups: [Group]) {
        self.id = id
        self.groups = groups
    }

    /// How many mutations the batch holds, over all keyspaces.
    public var mutationCount: Int { groups.reduce(0) { $0 + $1.mutations.count } }
}

/// The payloads of the `batchStore` and `batchRemove` verbs (layout in FORMAT.md,
/// "Batchlog"). The `batchStore` payload is also what a batchlog file keeps. Decoders check
/// every length and count against the bytes left, so damage is a `DecodeError`.
public enum BatchlogCodec {
    /// The only version so far.
    public static let version: UInt8 = 1
    /// A batch holds at most this many keyspaces and mutations per keyspace (far beyond what
    /// `batch_size_fail_threshold_in_kb` lets through; a bound for decoding).
    static let countMax = 1 << 20

    /// `batchStore`: u8 version, u64 id high, u64 id low, varint groups, per group bytes
    /// keyspace (UTF-8), varint n, n × bytes mutation payload (`ReplicaMessageCodec`).
    public static func encode(_ batch: LoggedBatch) -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        writer.writeUInt8(version)
        writer.writeUInt64(batch.id.high)
        writer.writeUInt64(batch.id.low)
        writer.writeVarint(UInt64(batch.groups.count))
        for group in batch.groups {
            writer.writeLengthPrefixed(Array(group.keyspace.utf8))
            writer.writeVarint(UInt64(group.mutations.count))
            for mutation in group.mutations { writer.writeLengthPrefixed(ReplicaMessageCodec.encode(mutation)) }
        }
        return writer.bytes
    }

    public static func decodeBatch(_ bytes: [UInt8]) throws(DecodeError) -> LoggedBatch {
        try decode(bytes) { reader throws(DecodeError) in
            let id = BatchID(high: try reader.readUInt64(), low: try reader.readUInt64())
            var groups: [LoggedBatch.Group] = []
            for _ in 0..<(try reader.readLength(limit: countMax)) {
                let start = reader.offset
                guard let keyspace = String(validating: try reader.readLengthPrefixed(), as: UTF8.self) else {
                    throw .malformed(offset: start, reason: "keyspace name is not UTF-8")
                }
                var mutations: [Mutation] = []
                for _ in 0..<(try reader.readLength(limit: min(countMax, reader.remaining))) {
                    let offset = reader.offset
                    do {
                        mutations.append(try ReplicaMessageCodec.decodeMutation(try reader.readLengthPrefixed()))
                    } catch {
                        throw .malformed(offset: offset, reason: "mutation: \(error)")
                    }
                }
                groups.append(LoggedBatch.Group(keyspace: keyspace, mutations: mutations))
            }
            return LoggedBatch(id: id, groups: groups)
        }
    }

    /// `batchRemove`: u8 version, u64 id high, u64 id low.
    public static func encodeRemove(_ id: BatchID) -> [UInt8] {
        var writer = ByteWriter(capacity: 17)
        writer.writeUInt8(version)
        writer.writeUInt64(id.high)
        writer.writeUInt64(id.low)
        return writer.bytes
    }

    public static func decodeRemove(_ bytes: [UInt8]) throws(DecodeError) -> BatchID {
        try decode(bytes) { reader throws(DecodeError) in BatchID(high: try reader.readUInt64(), low: try reader.readUInt64()) }
    }

    private static func decode<T>(_ bytes: [UInt8], _ body: (inout ByteReader) throws(DecodeError) -> T) throws(DecodeError) -> T {
        let result = bytes.withUnsafeBytes { buffer -> Result<T, DecodeError> in
            do throws(DecodeError) {
                var reader = ByteReader(buffer)
                let found = try reader.readUInt8()
                guard found == version else { throw .malformed(offset: 0, reason: "batchlog version \(found), expected \(version)") }
                let value = try body(&reader)
                guard reader.isAtEnd else { throw .malformed(offset: reader.offset, reason: "\(reader.remaining) trailing bytes") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
