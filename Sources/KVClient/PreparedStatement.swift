import CQL
import KVCore

/// A statement prepared on the cluster: its id, bind markers and result columns.
///
/// Returned by `KVClient.prepare`, cached by the client per (keyspace, text). The id is the
/// same on every node (the server derives it from the keyspace and text), so the client can
/// send it to any node and re-prepare there when a node answers Unprepared.
public struct PreparedStatement: Sendable, Hashable {
    /// The statement's parts in one shared object: a statement is copied into every request
    /// (the bench's operations, `run`'s re-prepare argument), and a copy then costs one
    /// reference count instead of one per field.
    private final class Storage: Sendable {
        let text: String
        let keyspace: String?
        let id: [UInt8]
        let bindColumns: [ColumnSpecification]
        /// Each bind marker's type, as `CQLValue` serializes it.
        let bindTypes: [CQLDataType]
        let partitionKeyIndexes: [Int]
        let resultMetadata: RowsMetadata
        let resultColumns: ResultColumns?

        init(text: String, keyspace: String?, result: PreparedResult) {
            self.text = text
            self.keyspace = keyspace
            self.id = result.id
            self.bindColumns = result.bindColumns
            self.bindTypes = result.bindColumns.map { $0.type.dataType }
            self.partitionKeyIndexes = result.partitionKeyIndexes.map(Int.init)
            self.resultMetadata = result.resultMetadata
            self.resultColumns = result.resultMetadata.columns.map(ResultColumns.init(specifications:))
        }

        /// A copy sharing no object with `other` (see `unsharedCopy`).
        init(copying other: Storage) {
            self.text = String(decoding: Array(other.text.utf8), as: UTF8.self)
            self.keyspace = other.keyspace.map { String(decoding: Array($0.utf8), as: UTF8.self) }
            self.id = other.id.withUnsafeBufferPointer { Array($0) }
            self.bindColumns = other.bindColumns.withUnsafeBufferPointer { Array($0) }
            self.bindTypes = other.bindTypes.withUnsafeBufferPointer { Array($0) }
            self.partitionKeyIndexes = other.partitionKeyIndexes.withUnsafeBufferPointer { Array($0) }
            self.resultMetadata = other.resultMetadata
            self.resultColumns = other.resultMetadata.columns.map(ResultColumns.init(specifications:))
        }
    }

    private let storage: Storage

    /// The CQL text as prepared.
    public var text: String { storage.text }
    /// The keyspace unqualified names resolved against when it was prepared.
    public var keyspace: String? { storage.keyspace }
    /// The server's statement id.
    public var id: [UInt8] { storage.id }
    /// The bind markers in order (name and type each).
    public var bindColumns: [ColumnSpecification] { storage.bindColumns }
    /// Positions in `bindColumns` of the partition-key components, in key order (empty when
    /// the statement does not restrict a single partition).
    public var partitionKeyIndexes: [Int] { storage.partitionKeyIndexes }
    /// The number of bind markers.
    public var bindCount: Int { storage.bindTypes.count }
    /// What an EXECUTE returns (nil columns for statements that return no rows).
    public var resultMetadata: RowsMetadata { storage.resultMetadata }
    /// The columns of `resultMetadata`, made once and shared by the pages that have them.
    var resultColumns: ResultColumns? { storage.resultColumns }

    /// Creates a prepared statement from a PREPARE result.
    public init(text: String, keyspace: String?, result: PreparedResult) {
        storage = Storage(text: text, keyspace: keyspace, result: result)
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    /// An equal statement whose parts are objects of its own: each thread that sends a
    /// statement per request retains and releases it (and its id and columns) each time, so
    /// threads sharing one statement write one reference count from several cores.
    public func unsharedCopy() -> PreparedStatement {
        PreparedStatement(storage: Storage(copying: storage))
    }

    /// Equal when every part is.
    public static func == (lhs: PreparedStatement, rhs: PreparedStatement) -> Bool {
        lhs.storage === rhs.storage
            || (lhs.text == rhs.text && lhs.keyspace == rhs.keyspace && lhs.id == rhs.id
                && lhs.bindColumns == rhs.bindColumns && lhs.partitionKeyIndexes == rhs.partitionKeyIndexes
                && lhs.resultMetadata == rhs.resultMetadata)
    }

    /// Hashes the text, keyspace and id (equal statements have equal ones).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(keyspace)
        hasher.combine(id)
    }

    /// Serializes `values` for the bind markers, checking their count and types.
    public func bind(_ values: [CQLValue?]) throws(KVClientError) -> [ProtocolValue] {
        guard values.count == bindColumns.count else {
            throw .invalidArgument("the statement has \(bindColumns.count) bind markers, \(values.count) values given")
        }
        var bound: [ProtocolValue] = []
        bound.reserveCapacity(values.count)
        let types = storage.bindTypes
        for (index, value) in values.enumerated() {
            guard let value else { bound.append(.null); continue }
            do {
                bound.append(.bytes(try Self.serialize(value, as: types[index])))
            } catch {
                throw .invalidArgument("value \(index) for \(bindColumns[index].name) (\(types[index])): \(error)")
            }
        }
        return bound
    }

    /// `value`'s bytes as `type`; a blob's are its own (shared, not copied).
    private static func serialize(_ value: CQLValue, as type: CQLDataType) throws(CQLValueError) -> [UInt8] {
        if case .blob(let bytes) = value, case .blob = type { return bytes }
        return try value.serialize(as: type)
    }

    /// The routing key (Cassandra's partition key bytes) of `bound` values, or nil when the
    /// partition key is unknown or one of its components is null or unset.
    public func routingKey(_ bound: [ProtocolValue]) -> [UInt8]? {
        let partitionKeyIndexes = storage.partitionKeyIndexes
        guard !partitionKeyIndexes.isEmpty else { return nil }
        if partitionKeyIndexes.count == 1 {
            // A single-column key is that column's bytes.
            guard partitionKeyIndexes[0] < bound.count, case .bytes(let bytes) = bound[partitionKeyIndexes[0]] else {
                return nil
            }
            return bytes
        }
        var components: [[UInt8]] = []
        components.reserveCapacity(partitionKeyIndexes.count)
        for index in partitionKeyIndexes {
            guard index < bound.count, case .bytes(let bytes) = bound[index] else { return nil }
            components.append(bytes)
        }
        return try? PartitionKeySerialization.serialize(components)
    }
}
