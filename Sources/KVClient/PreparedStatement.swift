import CQL
import KVCore

/// A statement prepared on the cluster: its id, bind markers and result columns.
///
/// Returned by `KVClient.prepare`, cached by the client per (keyspace, text). The id is the
/// same on every node (the server derives it from the keyspace and text), so the client can
/// send it to any node and re-prepare there when a node answers Unprepared.
public struct PreparedStatement: Sendable, Hashable {
    /// The CQL text as prepared.
    public let text: String
    /// The keyspace unqualified names resolved against when it was prepared.
    public let keyspace: String?
    /// The server's statement id.
    public let id: [UInt8]
    /// The bind markers in order (name and type each).
    public let bindColumns: [ColumnSpecification]
    /// Positions in `bindColumns` of the partition-key components, in key order (empty when
    /// the statement does not restrict a single partition).
    public let partitionKeyIndexes: [Int]
    /// What an EXECUTE returns (nil columns for statements that return no rows).
    public let resultMetadata: RowsMetadata

    /// Creates a prepared statement from a PREPARE result.
    public init(text: String, keyspace: String?, result: PreparedResult) {
        self.text = text
        self.keyspace = keyspace
        self.id = result.id
        self.bindColumns = result.bindColumns
        self.partitionKeyIndexes = result.partitionKeyIndexes.map(Int.init)
        self.resultMetadata = result.resultMetadata
    }

    /// Serializes `values` for the bind markers, checking their count and types.
    public func bind(_ values: [CQLValue?]) throws(KVClientError) -> [ProtocolValue] {
        guard values.count == bindColumns.count else {
            throw .invalidArgument("the statement has \(bindColumns.count) bind markers, \(values.count) values given")
        }
        var bound: [ProtocolValue] = []
        bound.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard let value else { bound.append(.null); continue }
            let column = bindColumns[index]
            do {
                bound.append(.bytes(try value.serialize(as: column.type.dataType)))
            } catch {
                throw .invalidArgument("value \(index) for \(column.name) (\(column.type.dataType)): \(error)")
            }
        }
        return bound
    }

    /// The routing key (Cassandra's partition key bytes) of `bound` values, or nil when the
    /// partition key is unknown or one of its components is null or unset.
    public func routingKey(_ bound: [ProtocolValue]) -> [UInt8]? {
        guard !partitionKeyIndexes.isEmpty else { return nil }
        var components: [[UInt8]] = []
        components.reserveCapacity(partitionKeyIndexes.count)
        for index in partitionKeyIndexes {
            guard index < bound.count, case .bytes(let bytes) = bound[index] else { return nil }
            components.append(bytes)
        }
        return try? PartitionKeySerialization.serialize(components)
    }
}
