import CQL
import KVCore

/// Answers `DESCRIBE` for this node: builds the `DescribedKeyspace` view of the system
/// keyspaces it serves and of the user schema, and lets `DescribeExecutor` (in CQL, with
/// Cassandra's rules) produce the rows. Pure; called per statement with a schema copy.
enum SchemaDescriber {
    /// The snitch `DESCRIBE CLUSTER` names: datacenter and rack come from each node's own
    /// configuration and travel in gossip, as with Cassandra's GossipingPropertyFileSnitch.
    static let snitch = "org.apache.cassandra.locator.GossipingPropertyFileSnitch"

    /// The RESULT (or ERROR Invalid) answering `statement` for a session in `sessionKeyspace`.
    static func describe(_ statement: CQLDescribe, schema: Schema, sessionKeyspace: String?,
                         clusterName: String) -> ResponseMessage {
        let executor = DescribeExecutor(
            keyspaces: systemKeyspaces + schema.liveKeyspaces.map { keyspace in
                described(keyspace, tables: schema.liveTables.filter { $0.keyspace == keyspace.name },
                          types: schema.liveTypes.filter { $0.keyspace == keyspace.name })
            },
            cluster: DescribedCluster(name: clusterName, partitioner: SystemQueryHandler.partitioner, snitch: snitch))
        do {
            return .result(.rows(try executor.rows(for: statement, sessionKeyspace: sessionKeyspace)))
        } catch {
            return .error(error)
        }
    }

    // MARK: User schema

    static func described(_ keyspace: KeyspaceSchema, tables: [TableSchema], types: [UserTypeSchema]) -> DescribedKeyspace {
        DescribedKeyspace(name: keyspace.name, replication: keyspace.replication, durableWrites: keyspace.durableWrites,
                          tables: tables.map(described), types: types.map(described))
    }

    static func described(_ type: UserTypeSchema) -> DescribedType {
        DescribedType(keyspace: type.keyspace, name: type.name, fields: type.fields.map { ($0.name, $0.type.description) })
    }

    static func described(_ table: TableSchema) -> DescribedTable {
        let columns = table.columns.map { column in
            DescribedColumn(name: column.name, type: column.type.description, kind: kind(column.kind),
                            position: Int(column.position), descending: column.descending,
                            isMultiCell: isMultiCell(column.type))
        }
        let options = DescribedTableOptions(comment: table.comment, defaultTimeToLive: table.defaultTimeToLive,
                                            gcGraceSeconds: table.gcGraceSeconds, compaction: table.compaction)
        return DescribedTable(keyspace: table.keyspace, name: table.name, id: table.uuidText, columns: columns,
                              options: options)
    }

    private static func kind(_ kind: SchemaColumnKind) -> DescribedColumn.Kind {
        switch kind {
        case .partitionKey: .partitionKey
        case .clustering: .clustering
        case .regular: .regular
        case .staticColumn: .staticColumn
        }
    }

    /// Non-frozen collections and UDTs are stored cell by cell.
    private static func isMultiCell(_ type: CQLDataType) -> Bool {
        switch type {
        case .list, .set, .map, .udt: true
        default: false
        }
    }

    // MARK: System keyspaces

    /// `system` and `system_schema` as `SystemKeyspaces` serves them (LocalStrategy, the same
    /// options as their `system_schema.tables` rows).
    static var systemKeyspaces: [DescribedKeyspace] {
        SystemKeyspaces.keyspaceNames.map { name in
            DescribedKeyspace(name: name, replication: ["class": "org.apache.cassandra.locator.LocalStrategy"],
                              isSystem: true,
                              tables: SystemKeyspaces.all.filter { $0.keyspace == name }.map(described))
        }
    }

    private static func described(_ table: SystemTable) -> DescribedTable {
        let columns = table.columns.map { column in
            let kind: DescribedColumn.Kind = switch column.kind {
            case .partitionKey: .partitionKey
            case .clustering: .clustering
            case .regular: .regular
            }
            return DescribedColumn(name: column.name, type: column.cqlType, kind: kind, position: Int(column.position),
                                   isMultiCell: column.cqlType.hasPrefix("set<") || column.cqlType.hasPrefix("map<")
                                       || column.cqlType.hasPrefix("list<"))
        }
        let options = DescribedTableOptions(comment: table.comment, gcGraceSeconds: 0, memtableFlushPeriodMs: 3_600_000)
        return DescribedTable(keyspace: table.keyspace, name: table.name,
                              id: SchemaDigest.uuid(of: "\(table.keyspace).\(table.name)"), columns: columns,
                              options: options)
    }
}
