/// `system_schema` rows describing the user keyspaces, tables and types, in the shapes
/// `SystemKeyspaces` uses for the system ones.
enum SchemaRows {
    static func keyspaceRows(_ schema: Schema) -> [SystemRow] {
        schema.liveKeyspaces.map { keyspace in
            ["keyspace_name": .text(keyspace.name), "durable_writes": .boolean(keyspace.durableWrites),
             "replication": .textMap(keyspace.replication.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })]
        }
    }

    static func tableRows(_ schema: Schema) -> [SystemRow] {
        schema.liveTables.map { table in
            [
                "keyspace_name": .text(table.keyspace), "table_name": .text(table.name),
                "additional_write_policy": .text("99p"), "bloom_filter_fp_chance": .double(0.01),
                "caching": .textMap([("keys", "ALL"), ("rows_per_partition", "NONE")]), "cdc": .null,
                "comment": .text(table.comment),
                "compaction": .textMap(table.compaction.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }),
                "compression": .textMap([("chunk_length_in_kb", "16"),
                                         ("class", "org.apache.cassandra.io.compress.LZ4Compressor")]),
                "crc_check_chance": .double(1.0), "default_time_to_live": .int(table.defaultTimeToLive),
                "extensions": .textMap([]), "flags": .textCollection(["compound"]),
                "gc_grace_seconds": .int(table.gcGraceSeconds), "id": .uuid(table.uuidText),
                "max_index_interval": .int(2048), "memtable_flush_period_in_ms": .int(0),
                "min_index_interval": .int(128), "read_repair": .text("BLOCKING"), "speculative_retry": .text("99p"),
            ]
        }
    }

    static func columnRows(_ schema: Schema) -> [SystemRow] {
        schema.liveTables.flatMap { table in
            table.orderedColumns.map { column in
                [
                    "keyspace_name": .text(table.keyspace), "table_name": .text(table.name),
                    "column_name": .text(column.name), "clustering_order": .text(column.clusteringOrder),
                    "column_name_bytes": .text(column.name), "kind": .text(column.kind.rawValue),
                    "position": .int(column.position), "type": .text(column.type.description),
                ]
            }
        }
    }

    /// `system_schema.types`: field names and their CQL type texts, in declaration order,
    /// which drivers parse to decode UDT columns.
    static func typeRows(_ schema: Schema) -> [SystemRow] {
        schema.liveTypes.map { type in
            ["keyspace_name": .text(type.keyspace), "type_name": .text(type.name),
             "field_names": .textCollection(type.fields.map(\.name)),
             "field_types": .textCollection(type.fields.map(\.type.description))]
        }
    }
}
