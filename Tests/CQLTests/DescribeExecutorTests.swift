import Testing

@testable import CQL

private struct NotDescribe: Error {}

@Suite struct DescribeExecutorTests {
    static let events = DescribedTable(keyspace: "ks", name: "events", id: "5a1c395e-b41f-11e5-9f22-ba0be0483c18", columns: [
        DescribedColumn(name: "v", type: "text", kind: .regular),
        DescribedColumn(name: "day", type: "date", kind: .clustering, position: 1),
        DescribedColumn(name: "tags", type: "set<text>", kind: .regular, isMultiCell: true),
        DescribedColumn(name: "id", type: "int", kind: .partitionKey, position: 0),
        DescribedColumn(name: "at", type: "timestamp", kind: .clustering, position: 0, descending: true),
        DescribedColumn(name: "Shard", type: "int", kind: .partitionKey, position: 1),
        DescribedColumn(name: "owner", type: "text", kind: .staticColumn),
        DescribedColumn(name: "a", type: "int", kind: .regular),
    ], options: DescribedTableOptions(comment: "it's", defaultTimeToLive: 60, gcGraceSeconds: 3600))
    static let users = DescribedTable(keyspace: "ks", name: "Users", id: "00000000-0000-0000-0000-000000000001", columns: [
        DescribedColumn(name: "id", type: "uuid", kind: .partitionKey, position: 0),
        DescribedColumn(name: "name", type: "text", kind: .regular),
    ])
    static let executor = DescribeExecutor(keyspaces: [
        DescribedKeyspace(name: "system", replication: ["class": "org.apache.cassandra.locator.LocalStrategy"],
                          isSystem: true),
        DescribedKeyspace(name: "ks", replication: ["class": "org.apache.cassandra.locator.SimpleStrategy",
                                                    "replication_factor": "3"],
                          tables: [events, users]),
        DescribedKeyspace(name: "Alpha", replication: ["class": "org.apache.cassandra.locator.NetworkTopologyStrategy",
                                                       "dc1": "2"], durableWrites: false),
    ], cluster: DescribedCluster(name: "Test Cluster", partitioner: "org.apache.cassandra.dht.Murmur3Partitioner",
                                 snitch: "GossipingPropertyFileSnitch"))

    private func texts(_ result: RowsResult) -> [[String]] {
        result.rows.map { $0.map { String(decoding: $0 ?? [], as: UTF8.self) } }
    }

    private func columns(_ result: RowsResult) -> [String] { result.metadata.columns?.map(\.name) ?? [] }

    private func describe(_ text: String, session: String? = nil) throws -> RowsResult {
        guard case .describe(let statement) = try CQLParser.parseStatement(text) else { throw NotDescribe() }
        return try Self.executor.rows(for: statement, sessionKeyspace: session)
    }

    private func errorMessage(_ text: String, session: String? = nil) -> String? {
        do {
            _ = try describe(text, session: session)
            return nil
        } catch let error as ErrorResponse {
            #expect(error.code == 0x2200)
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func keyspacesAreListedSortedIgnoringCaseAndQuoted() throws {
        let result = try describe("DESCRIBE KEYSPACES")
        #expect(columns(result) == ["keyspace_name", "type", "name"])
        #expect(result.metadata.columns?.allSatisfy { $0.type == .varchar && $0.keyspace == "system" && $0.table == "describe" } == true)
        #expect(texts(result) == [["\"Alpha\"", "keyspace", "\"Alpha\""], ["ks", "keyspace", "ks"], ["system", "keyspace", "system"]])
    }

    @Test func tablesListEveryKeyspaceOrOnlyTheSessionOne() throws {
        #expect(texts(try describe("DESCRIBE TABLES")) == [["ks", "table", "events"], ["ks", "table", "\"Users\""]])
        #expect(texts(try describe("DESC TABLES", session: "system")).isEmpty)
        #expect(errorMessage("DESCRIBE TABLES", session: "gone") == "'gone' not found in keyspaces")
        #expect(texts(try describe("DESCRIBE TYPES")).isEmpty)
    }

    @Test func createTableHasCassandrasLayout() throws {
        let result = try describe("DESCRIBE TABLE ks.events")
        #expect(columns(result) == ["keyspace_name", "type", "name", "create_statement"])
        #expect(texts(result) == [["ks", "table", "events", """
            CREATE TABLE ks.events (
                id int,
                "Shard" int,
                at timestamp,
                day date,
                owner text static,
                a int,
                v text,
                tags set<text>,
                PRIMARY KEY ((id, "Shard"), at, day)
            ) WITH CLUSTERING ORDER BY (at DESC, day ASC)
                AND additional_write_policy = '99p'
                AND bloom_filter_fp_chance = 0.01
                AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}
                AND cdc = false
                AND comment = 'it''s'
                AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}
                AND compression = {'chunk_length_in_kb': '16', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}
                AND crc_check_chance = 1.0
                AND default_time_to_live = 60
                AND extensions = {}
                AND gc_grace_seconds = 3600
                AND max_index_interval = 2048
                AND memtable_flush_period_in_ms = 0
                AND min_index_interval = 128
                AND read_repair = 'BLOCKING'
                AND speculative_retry = '99p';
            """]])
    }

    @Test func singleColumnKeyIsInlineAndInternalsAddTheID() throws {
        let statement = try #require(texts(try describe("DESCRIBE TABLE \"Users\" WITH INTERNALS", session: "ks")).first?[3])
        #expect(statement.hasPrefix("""
            CREATE TABLE ks."Users" (
                id uuid PRIMARY KEY,
                name text
            ) WITH ID = 00000000-0000-0000-0000-000000000001
                AND additional_write_policy = '99p'
            """))
    }

    @Test func keyspaceIsFollowedByItsTables() throws {
        let rows = texts(try describe("DESCRIBE KEYSPACE ks"))
        #expect(rows.map { $0[1] + " " + $0[2] } == ["keyspace ks", "table events", "table \"Users\""])
        #expect(rows[0][3] == "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '3'}  AND durable_writes = true;")
        #expect(texts(try describe("DESCRIBE ONLY KEYSPACE \"Alpha\"")) == [["\"Alpha\"", "keyspace", "\"Alpha\"",
            "CREATE KEYSPACE \"Alpha\" WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': '2'}  AND durable_writes = false;"]])
        #expect(texts(try describe("DESCRIBE KEYSPACE", session: "ks")).count == 3)
    }

    @Test func schemaLeavesOutSystemKeyspacesUnlessFull() throws {
        #expect(texts(try describe("DESCRIBE SCHEMA")).map { $0[2] } == ["\"Alpha\"", "ks", "events", "\"Users\""])
        #expect(texts(try describe("DESCRIBE FULL SCHEMA")).map { $0[2] } == ["\"Alpha\"", "ks", "events", "\"Users\"", "system"])
    }

    @Test func bareNamesResolveToKeyspaceThenTable() throws {
        #expect(texts(try describe("DESCRIBE ks")).count == 3)
        #expect(texts(try describe("DESCRIBE ks.events")).map { $0[2] } == ["events"])
        #expect(texts(try describe("DESCRIBE events", session: "ks")).map { $0[2] } == ["events"])
        #expect(errorMessage("DESCRIBE nothing") == "'nothing' not found in keyspaces")
        #expect(errorMessage("DESCRIBE nothing", session: "ks") == "'nothing' not found in keyspace 'ks'")
    }

    @Test func clusterNamesThePartitionerAndSnitch() throws {
        let result = try describe("DESCRIBE CLUSTER")
        #expect(columns(result) == ["cluster", "partitioner", "snitch"])
        #expect(texts(result) == [["Test Cluster", "Murmur3Partitioner", "GossipingPropertyFileSnitch"]])
    }

    @Test func unknownElementsAreInvalidWithCassandrasMessages() {
        #expect(errorMessage("DESCRIBE KEYSPACE nope") == "'nope' not found in keyspaces")
        #expect(errorMessage("DESCRIBE TABLE ks.nope") == "Table 'nope' not found in keyspace 'ks'")
        #expect(errorMessage("DESCRIBE TABLE nope.t") == "'nope' not found in keyspaces")
        #expect(errorMessage("DESCRIBE TABLE t") == "No keyspace specified and no current keyspace")
        #expect(errorMessage("DESCRIBE KEYSPACE") == "No keyspace specified and no current keyspace")
        #expect(errorMessage("DESCRIBE TYPE ks.address") == "User defined type 'address' not found in 'ks'")
        #expect(errorMessage("DESCRIBE INDEX ks.i") == "Table for existing index 'i' not found in 'ks'")
    }

    @Test func identifiersAreQuotedOnlyWhenNeeded() {
        #expect(CQLIdentifier.quotedIfNeeded("plain_1") == "plain_1")
        #expect(CQLIdentifier.quotedIfNeeded("Mixed") == "\"Mixed\"")
        #expect(CQLIdentifier.quotedIfNeeded("select") == "\"select\"")
        #expect(CQLIdentifier.quotedIfNeeded("1st") == "\"1st\"")
        #expect(CQLIdentifier.quotedIfNeeded("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CQLIdentifier.quotedIfNeeded("key") == "key")
    }

    /// A keyspace whose `contact` type uses `Phone`, declared out of name order.
    static let typed = DescribeExecutor(keyspaces: [
        DescribedKeyspace(name: "ks", replication: ["class": "org.apache.cassandra.locator.SimpleStrategy",
                                                    "replication_factor": "1"], tables: [users], types: [
            DescribedType(keyspace: "ks", name: "contact", fields: [("name", "text"), ("phones", "list<frozen<\"Phone\">>")]),
            DescribedType(keyspace: "ks", name: "Phone", fields: [("number", "text"), ("Kind", "int")]),
        ]),
    ], cluster: executor.cluster)

    private func describeTyped(_ text: String, session: String? = nil) throws -> [[String]] {
        guard case .describe(let statement) = try CQLParser.parseStatement(text) else { throw NotDescribe() }
        return texts(try Self.typed.rows(for: statement, sessionKeyspace: session))
    }

    @Test func typesAreListedDescribedAndPrintedBeforeTheTablesUsingThem() throws {
        #expect(try describeTyped("DESCRIBE TYPES").map { $0[1] + " " + $0[2] } == ["type \"Phone\"", "type contact"])
        #expect(try describeTyped("DESCRIBE TYPE ks.\"Phone\"") == [["ks", "type", "\"Phone\"",
            "CREATE TYPE ks.\"Phone\" (\n    number text,\n    \"Kind\" int\n);"]])
        #expect(try describeTyped("DESCRIBE KEYSPACE ks").map { $0[1] + " " + $0[2] }
            == ["keyspace ks", "type \"Phone\"", "type contact", "table \"Users\""])
        #expect(try describeTyped("DESCRIBE TYPE contact", session: "ks").first?[3]
            == "CREATE TYPE ks.contact (\n    name text,\n    phones list<frozen<\"Phone\">>\n);")
    }
}
