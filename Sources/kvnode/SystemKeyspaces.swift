import CQL

/// The static schema of the system keyspaces this node serves (`system`, `system_schema`),
/// the `system_schema` rows that describe them, and the schema version derived from them.
///
/// Column sets and types follow Cassandra 4.1's `SystemKeyspace` and `SchemaKeyspace`, so
/// drivers build their metadata exactly as against Cassandra.
enum SystemKeyspaces {
    static let system = "system"
    static let systemSchema = "system_schema"
    static let keyspaceNames = [system, systemSchema]

    private static func table(_ keyspace: String, _ name: String, keys: [SystemColumn], clustering: [SystemColumn] = [],
                              regular: [SystemColumn], comment: String = "") -> SystemTable {
        let partition = keys.enumerated().map { $0.element.key(.partitionKey, Int32($0.offset)) }
        let clusteringColumns = clustering.enumerated().map { $0.element.key(.clustering, Int32($0.offset)) }
        return SystemTable(keyspace: keyspace, name: name,
                           columns: partition + clusteringColumns + regular.sorted { $0.name < $1.name }, comment: comment)
    }

    // MARK: system

    static let local = table(system, "local", keys: [.text("key")], regular: [
        .text("bootstrapped"), .inet("broadcast_address"), .int("broadcast_port"), .text("cluster_name"),
        .text("cql_version"), .text("data_center"), .int("gossip_generation"), .uuid("host_id"),
        .inet("listen_address"), .int("listen_port"), .text("native_protocol_version"), .text("partitioner"),
        .text("rack"), .text("release_version"), .inet("rpc_address"), .int("rpc_port"), .uuid("schema_version"),
        .textSet("tokens"), .blobMap("truncated_at", keyType: .uuid, keyText: "uuid", frozen: false),
    ], comment: "information about the local node")

    static let peers = table(system, "peers", keys: [.inet("peer")], regular: [
        .text("data_center"), .uuid("host_id"), .inet("preferred_ip"), .text("rack"), .text("release_version"),
        .inet("rpc_address"), .uuid("schema_version"), .textSet("tokens"),
    ], comment: "information about known peers in the cluster")

    static let peersV2 = table(system, "peers_v2", keys: [.inet("peer")], clustering: [.int("peer_port")], regular: [
        .text("data_center"), .uuid("host_id"), .inet("native_address"), .int("native_port"), .inet("preferred_ip"),
        .int("preferred_port"), .text("rack"), .text("release_version"), .uuid("schema_version"), .textSet("tokens"),
    ], comment: "information about known peers in the cluster")

    // MARK: system_schema

    private static let tableOptions: [SystemColumn] = [
        .text("additional_write_policy"), .double("bloom_filter_fp_chance"), .textMap("caching"), .boolean("cdc"),
        .text("comment"), .textMap("compaction"), .textMap("compression"), .double("crc_check_chance"),
        .int("default_time_to_live"), .blobMap("extensions", keyType: .varchar, keyText: "text", frozen: true),
        .int("gc_grace_seconds"), .uuid("id"), .int("max_index_interval"), .int("memtable_flush_period_in_ms"),
        .int("min_index_interval"), .text("read_repair"), .text("speculative_retry"),
    ]

    static let keyspaces = table(systemSchema, "keyspaces", keys: [.text("keyspace_name")],
                                 regular: [.boolean("durable_writes"), .textMap("replication")])
    static let tables = table(systemSchema, "tables", keys: [.text("keyspace_name")], clustering: [.text("table_name")],
                              regular: tableOptions + [.textSet("flags", frozen: true)])
    static let columns = table(systemSchema, "columns", keys: [.text("keyspace_name")],
                               clustering: [.text("table_name"), .text("column_name")], regular: [
        .text("clustering_order"), SystemColumn(name: "column_name_bytes", type: .blob, cqlType: "blob"),
        .text("kind"), .int("position"), .text("type"),
    ])
    static let types = table(systemSchema, "types", keys: [.text("keyspace_name")], clustering: [.text("type_name")],
                             regular: [.textList("field_names"), .textList("field_types")])
    static let functions = table(systemSchema, "functions", keys: [.text("keyspace_name")],
                                 clustering: [.text("function_name"), .textList("argument_types")], regular: [
        .textList("argument_names"), .text("body"), .boolean("called_on_null_input"), .text("language"),
        .text("return_type"),
    ])
    static let aggregates = table(systemSchema, "aggregates", keys: [.text("keyspace_name")],
                                  clustering: [.text("aggregate_name"), .textList("argument_types")], regular: [
        .text("final_func"), .text("initcond"), .text("return_type"), .text("state_func"), .text("state_type"),
    ])
    static let triggers = table(systemSchema, "triggers", keys: [.text("keyspace_name")],
                                clustering: [.text("table_name"), .text("trigger_name")], regular: [.textMap("options")])
    static let indexes = table(systemSchema, "indexes", keys: [.text("keyspace_name")],
                               clustering: [.text("table_name"), .text("index_name")],
                               regular: [.text("kind"), .textMap("options")])
    static let views = table(systemSchema, "views", keys: [.text("keyspace_name")], clustering: [.text("view_name")],
                             regular: tableOptions + [.uuid("base_table_id"), .text("base_table_name"),
                                                      .boolean("include_all_columns"), .text("where_clause")])

    /// Every served table, by keyspace then name.
    static let all: [SystemTable] = [local, peers, peersV2, aggregates, columns, functions, indexes, keyspaces,
                                     tables, triggers, types, views]

    /// The table `keyspace.name`, if served.
    static func find(keyspace: String, name: String) -> SystemTable? {
        all.first { $0.keyspace == keyspace && $0.name == name }
    }

    // MARK: Rows describing the schema

    /// Rows for `system_schema.keyspaces`.
    static var keyspaceRows: [SystemRow] {
        keyspaceNames.map { name in
            ["keyspace_name": .text(name), "durable_writes": .boolean(true),
             "replication": .textMap([("class", "org.apache.cassandra.locator.LocalStrategy")])]
        }
    }

    /// Rows for `system_schema.tables`.
    static var tableRows: [SystemRow] {
        all.map { table in
            [
                "keyspace_name": .text(table.keyspace), "table_name": .text(table.name),
                "additional_write_policy": .text("99p"), "bloom_filter_fp_chance": .double(0.01),
                "caching": .textMap([("keys", "ALL"), ("rows_per_partition", "NONE")]), "cdc": .null,
                "comment": .text(table.comment),
                "compaction": .textMap([("class", "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"),
                                        ("max_threshold", "32"), ("min_threshold", "4")]),
                "compression": .textMap([("chunk_length_in_kb", "16"),
                                         ("class", "org.apache.cassandra.io.compress.LZ4Compressor")]),
                "crc_check_chance": .double(1.0), "default_time_to_live": .int(0), "extensions": .textMap([]),
                "flags": .textCollection(["compound"]), "gc_grace_seconds": .int(0),
                "id": .uuid(SchemaDigest.uuid(of: "\(table.keyspace).\(table.name)")),
                "max_index_interval": .int(2048), "memtable_flush_period_in_ms": .int(3_600_000),
                "min_index_interval": .int(128), "read_repair": .text("BLOCKING"), "speculative_retry": .text("99p"),
            ]
        }
    }

    /// Rows for `system_schema.columns`.
    static var columnRows: [SystemRow] {
        all.flatMap { table in
            table.columns.map { column in
                [
                    "keyspace_name": .text(table.keyspace), "table_name": .text(table.name),
                    "column_name": .text(column.name), "clustering_order": .text(column.kind == .clustering ? "asc" : "none"),
                    "column_name_bytes": .text(column.name), "kind": .text(column.kind.rawValue),
                    "position": .int(column.position), "type": .text(column.cqlType),
                ]
            }
        }
    }

    /// The schema version: a name-based UUID of the whole schema text, so every node running
    /// this build computes the same one.
    static let schemaVersion: String = {
        var text = keyspaceNames.joined(separator: ",")
        for table in all {
            text += "|\(table.keyspace).\(table.name):"
            text += table.columns.map { "\($0.name) \($0.cqlType) \($0.kind.rawValue) \($0.position)" }.joined(separator: ",")
        }
        return SchemaDigest.uuid(of: text)
    }()
}

/// A deterministic UUID (version 3 layout) from text: two FNV-1a 64 hashes with different
/// offsets. Not cryptographic; it only needs to be stable across nodes and restarts.
enum SchemaDigest {
    static func uuid(of text: String) -> String {
        let bytes = Array(text.utf8)
        var high: UInt64 = 0xcbf2_9ce4_8422_2325
        var low: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            high = (high ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            low = (low ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            low = (low << 7) | (low >> 57)
        }
        var digest = withUnsafeBytes(of: high.bigEndian) { Array($0) } + withUnsafeBytes(of: low.bigEndian) { Array($0) }
        digest[6] = (digest[6] & 0x0F) | 0x30
        digest[8] = (digest[8] & 0x3F) | 0x80
        let hex = digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }
}
