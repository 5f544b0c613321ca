import KVCore

/// A write of one partition of one table, as a coordinator sends it to each replica.
public struct Mutation: Sendable, Equatable {
    public var table: TableID
    public var update: PartitionUpdate

    public init(table: TableID, update: PartitionUpdate) {
        self.table = table
        self.update = update
    }

    /// The partition's token, read from its storage key (see `StoragePartitionKey`).
    public var token: Token { StoragePartitionKey.token(of: update.partitionKey) }
}

/// A row's place in storage order: its partition's storage key, then its clustering bytes.
public struct RowPosition: Sendable, Hashable, Comparable {
    public var partitionKey: [UInt8]
    public var clustering: [UInt8]

    public init(partitionKey: [UInt8], clustering: [UInt8]) {
        self.partitionKey = partitionKey
        self.clustering = clustering
    }

    public static func < (left: RowPosition, right: RowPosition) -> Bool {
        if left.partitionKey != right.partitionKey {
            return left.partitionKey.lexicographicallyPrecedes(right.partitionKey)
        }
        return left.clustering.lexicographicallyPrecedes(right.clustering)
    }
}

/// What a read covers.
public enum ReadSelection: Sendable, Equatable {
    /// The rows of one partition whose clustering lies between two bounds.
    case partition(key: [UInt8], start: ClusteringBound, end: ClusteringBound)
    /// Whole partitions whose storage key is at least `from` and below `to` (nil: open).
    case partitionRange(from: [UInt8]?, to: [UInt8]?)
}

/// A read of one table as a coordinator sends it to a replica.
public struct ReadCommand: Sendable, Equatable {
    public var table: TableID
    public var selection: ReadSelection
    /// Resume strictly after this row (the next page).
    public var after: RowPosition?
    /// The replica stops after this many rows with live data.
    public var maxLiveRows: Int
    /// The replica answers with the `ReadDigest` of its answer instead of the answer
    /// (a digest read, DESIGN §6).
    public var isDigestOnly: Bool

    public init(table: TableID, selection: ReadSelection, after: RowPosition? = nil, maxLiveRows: Int,
                isDigestOnly: Bool = false) {
        self.table = table
        self.selection = selection
        self.after = after
        self.maxLiveRows = maxLiveRows
        self.isDigestOnly = isDigestOnly
    }

    /// This command asking for data (`false`) or a digest (`true`).
    public func digestOnly(_ isDigestOnly: Bool) -> ReadCommand {
        var copy = self
        copy.isDigestOnly = isDigestOnly
        return copy
    }
}

/// What a replica sends back for a `ReadCommand`: the data, or for a digest-only command the
/// digest of the data.
public enum ReadReply: Sendable, Equatable {
    case data(ReadResponse)
    case digest(ReadDigest)
}

/// A replica's answer to a read: what it holds, tombstones included, in storage order.
public struct ReadResponse: Sendable, Equatable {
    public var partitions: [PartitionUpdate]
    /// False when the replica stopped at a limit: more may follow its last row.
    public var isExhausted: Bool

    public init(partitions: [PartitionUpdate], isExhausted: Bool) {
        self.partitions = partitions
        self.isExhausted = isExhausted
    }

    /// The position of the last row (or, for a partition without rows, its start).
    public var lastPosition: RowPosition? {
        guard let last = partitions.last else { return nil }
        return RowPosition(partitionKey: last.partitionKey, clustering: last.rows.last?.clustering ?? [])
    }
}

/// The storage key of a partition: its token's order-preserving bytes, then its serialized
/// partition key, so that storage order is token order (DESIGN §3) and token ranges are key
/// ranges.
public enum StoragePartitionKey {
    /// The storage key of a serialized partition key with `token`.
    public static func make(token: Token, serializedKey: [UInt8]) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(Token.orderPreservingByteCount + serializedKey.count)
        withUnsafeBytes(of: token.orderPreservingBigEndian) { key.append(contentsOf: $0) }
        key.append(contentsOf: serializedKey)
        return key
    }

    /// The token a storage key starts with (`Token.minimum` for a key too short to hold one,
    /// which no key made by `make` is).
    public static func token(of storageKey: [UInt8]) -> Token {
        Token(orderPreservingPrefixOf: storageKey) ?? .minimum
    }

    /// The serialized partition key inside a storage key.
    public static func serializedKey(of storageKey: [UInt8]) -> ArraySlice<UInt8> {
        storageKey.dropFirst(Token.orderPreservingByteCount)
    }

    /// The smallest storage key with a token of at least `token`.
    public static func lowerBound(_ token: Token) -> [UInt8] { token.orderPreservingBytes }
}

extension Mutation {
    /// `mutations` with the updates of one partition of one table merged into one (a batch
    /// writes each partition once, atomically on each replica).
    public static func merged(_ mutations: [Mutation]) -> [Mutation] {
        guard mutations.count > 1 else { return mutations }
        var result: [Mutation] = []
        var index: [TableID: [[UInt8]: Int]] = [:]
        for mutation in mutations {
            if let position = index[mutation.table]?[mutation.update.partitionKey] {
                result[position].update = ReadReconciler.merge(result[position].update, mutation.update)
            } else {
                index[mutation.table, default: [:]][mutation.update.partitionKey] = result.count
                result.append(mutation)
            }
        }
        return result
    }
}
