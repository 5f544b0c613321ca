import CQL
import Coordinator
import KVCore
import Ring

/// A user table's columns arranged for execution: the key columns in order, lookups by
/// name and id, and the conversions between CQL values and storage keys (DESIGN §3:
/// storage partition key = token bytes + serialized partition key; clustering in
/// `ClusteringEncoding`). A class: plans hand it to every request, and a copy of the struct
/// retained each of its arrays.
final class TableLayout: Sendable {
    let schema: TableSchema
    let partitionKey: [SchemaColumn]
    let clustering: [SchemaColumn]
    let clusteringTypes: [CQLDataType]
    let clusteringOrders: [ClusteringOrder]
    /// How key column values are read out of storage keys (shared with replica scans).
    let keyLayout: ScanKeyLayout
    /// Regular and static columns.
    let valueColumns: [SchemaColumn]
    private let byName: [String: SchemaColumn]
    private let byID: [UInt32: SchemaColumn]

    init(_ schema: TableSchema) {
        self.schema = schema
        partitionKey = schema.columns.filter { $0.kind == .partitionKey }.sorted { $0.position < $1.position }
        clustering = schema.columns.filter { $0.kind == .clustering }.sorted { $0.position < $1.position }
        clusteringTypes = clustering.map(\.type)
        clusteringOrders = clustering.map { $0.descending ? .descending : .ascending }
        keyLayout = ScanKeyLayout(partitionKeyCount: partitionKey.count, clusteringTypes: clusteringTypes,
                                  clusteringOrders: clusteringOrders)
        valueColumns = schema.columns.filter { $0.kind == .regular || $0.kind == .staticColumn }
        byName = Dictionary(schema.columns.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        byID = Dictionary(schema.columns.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    var keyspace: String { schema.keyspace }
    var name: String { schema.name }
    var hasStatics: Bool { valueColumns.contains { $0.kind == .staticColumn } }

    func column(_ name: String) throws(ErrorResponse) -> SchemaColumn {
        guard let column = byName[name] else {
            throw ErrorResponse(.invalid, message: "Undefined column name \(name) in table \(schema.key)")
        }
        return column
    }

    func column(named name: String) -> SchemaColumn? { byName[name] }

    func column(id: UInt32) -> SchemaColumn? { byID[id] }

    func specification(_ column: SchemaColumn, name: String? = nil) -> ColumnSpecification {
        ColumnSpecification(keyspace: keyspace, table: self.name, name: name ?? column.name, type: DataTypeOption(column.type))
    }

    // MARK: Keys

    /// The storage key of the partition with these serialized key column values.
    func storageKey(partitionValues values: [[UInt8]]) throws(ErrorResponse) -> [UInt8] {
        try storageKey(serializedKey: try Self.invalidOnError { () throws(CQLValueError) in
            try PartitionKeySerialization.serialize(values)
        })
    }

    /// The storage key of a serialized partition key (of a one-column key: its value).
    func storageKey(serializedKey serialized: [UInt8]) throws(ErrorResponse) -> [UInt8] {
        guard serialized.count <= 65_535 else {
            throw ErrorResponse(.invalid, message: "Key length of \(serialized.count) is longer than maximum of 65535")
        }
        return StoragePartitionKey.make(token: Murmur3Partitioner.token(for: serialized), serializedKey: serialized)
    }

    /// The serialized values of the key columns in a storage key.
    func partitionValues(storageKey: [UInt8]) -> [[UInt8]] {
        keyLayout.partitionValues(storageKey: storageKey)
    }

    /// The clustering bytes of a full clustering or a prefix of one.
    func clusteringKey(_ values: [[UInt8]]) throws(ErrorResponse) -> [UInt8] {
        try Self.invalidOnError { () throws(CQLValueError) in
            try ClusteringEncoding.encode(values: values, types: clusteringTypes, orders: clusteringOrders)
        }
    }

    /// The serialized clustering values of a stored clustering key.
    func clusteringValues(_ key: [UInt8]) -> [[UInt8]?] {
        keyLayout.clusteringValues(key)
    }

    static func invalidOnError<T>(_ body: () throws(CQLValueError) -> T) throws(ErrorResponse) -> T {
        do {
            return try body()
        } catch {
            throw ErrorResponse(.invalid, message: "\(error)")
        }
    }
}
