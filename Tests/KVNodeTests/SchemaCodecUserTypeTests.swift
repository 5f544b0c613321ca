import KVCore
import Testing

@testable import kvnode

/// The durable schema with user-defined types: round trips, references resolved from the
/// type lines, the version-1 form for schemas without types, and decoding of old files.
@Suite struct SchemaCodecUserTypeTests {
    static let address = UserTypeSchema(keyspace: "ks", name: "address",
                                        fields: [CQLUDTField(name: "city", type: .text), CQLUDTField(name: "zip", type: .int)],
                                        timestamp: 10)

    /// A keyspace with `address`, `person` (using it frozen, and a quoted type name) and a
    /// table using both frozen, non-frozen and inside a list.
    static var schema: Schema {
        var schema = Schema()
        schema.keyspaces["ks"] = KeyspaceSchema(name: "ks", replication: ["class": SchemaOptions.simpleStrategy,
                                                                          "replication_factor": "3"], timestamp: 1)
        schema.types[address.key] = address
        let person = UserTypeSchema(keyspace: "ks", name: "Person",
                                    fields: [CQLUDTField(name: "home", type: .frozen(address.dataType)),
                                             CQLUDTField(name: "tags", type: .list(.text))], timestamp: 11)
        schema.types[person.key] = person
        let columns = [
            SchemaColumn(id: 1, name: "k", kind: .partitionKey, position: 0, descending: false, type: .int),
            SchemaColumn(id: 2, name: "c", kind: .clustering, position: 0, descending: true, type: .frozen(address.dataType)),
            SchemaColumn(id: 3, name: "a", kind: .regular, position: -1, descending: false, type: address.dataType),
            SchemaColumn(id: 4, name: "p", kind: .regular, position: -1, descending: false, type: .frozen(person.dataType)),
            SchemaColumn(id: 5, name: "l", kind: .regular, position: -1, descending: false,
                         type: .list(.frozen(address.dataType))),
        ]
        let table = TableSchema(keyspace: "ks", name: "t", id: TableID(high: 1, low: 2), columns: columns,
                                nextColumnID: 6, timestamp: 12)
        schema.tables[table.key] = table
        return schema.resolvingUserTypes()
    }

    @Test func roundTripsTypesAndTheColumnsUsingThem() throws {
        let encoded = SchemaCodec.encode(Self.schema)
        #expect(String(decoding: encoded, as: UTF8.self).hasPrefix("kvschema 2\n"))
        let decoded = try SchemaCodec.decode(encoded)
        #expect(decoded == Self.schema)
        #expect(decoded.table("ks", "t")?.columns.first { $0.name == "p" }?.type == .frozen(Self.schema.types["ks.Person"]!.dataType))
        #expect(decoded.version == Self.schema.version)
    }

    @Test func schemaWithoutTypesKeepsVersionOne() throws {
        var schema = Schema()
        schema.keyspaces["ks"] = KeyspaceSchema(name: "ks", replication: ["class": SchemaOptions.simpleStrategy], timestamp: 1)
        let encoded = SchemaCodec.encode(schema)
        #expect(String(decoding: encoded, as: UTF8.self).hasPrefix("kvschema 1\n"))
        #expect(try SchemaCodec.decode(encoded) == schema)
    }

    /// A file as nodes wrote it before types existed (checksum computed by that code).
    @Test func decodesAnOldSchemaFile() throws {
        let body = "kvschema 1\nK\tks\t5\t0\t1\tclass=org.apache.cassandra.locator.SimpleStrategy%3breplication_factor=1\n"
            + "T\tks\tt\t00000000000000010000000000000002\t6\t0\t3\t0\t864000\tclass=x\t\n"
            + "C\tks\tt\t1\tk\tpartition_key\t0\t0\tint\n"
            + "C\tks\tt\t2\tm\tregular\t-1\t0\tmap<text, frozen<list<int>>>\n"
        let bytes = Array(body.utf8)
        let hex = String(SchemaCodec.checksum(bytes), radix: 16)
        let file = bytes + Array("checksum \(String(repeating: "0", count: 16 - hex.count) + hex)\n".utf8)
        let decoded = try SchemaCodec.decode(file)
        #expect(decoded.types.isEmpty)
        #expect(decoded.table("ks", "t")?.columns.map(\.type) == [.int, .map(.text, .frozen(.list(.int)))])
    }

    @Test func typeLinesInAVersionOneFileAreRefused() throws {
        var text = String(decoding: SchemaCodec.encode(Self.schema), as: UTF8.self)
        text = text.replacing("kvschema 2", with: "kvschema 1")
        let body = Array(text[..<text.range(of: "checksum ")!.lowerBound].utf8)
        let hex = String(SchemaCodec.checksum(body), radix: 16)
        let file = body + Array("checksum \(String(repeating: "0", count: 16 - hex.count) + hex)\n".utf8)
        #expect(throws: SchemaCodec.DecodeError.self) { try SchemaCodec.decode(file) }
    }

    @Test func addingAFieldReachesEveryReference() {
        var schema = Self.schema
        schema.types["ks.address"]!.fields.append(CQLUDTField(name: "country", type: .text))
        let resolved = schema.resolvingUserTypes()
        let expected = resolved.types["ks.address"]!.dataType
        #expect(resolved.table("ks", "t")?.columns.first { $0.name == "a" }?.type == expected)
        #expect(resolved.types["ks.Person"]!.fields[0].type == .frozen(expected))
    }

    @Test func usersOfATypeAreFound() {
        let users = Self.schema.users(ofType: "address", keyspace: "ks")
        #expect(users.tables == ["t"])
        #expect(users.types == ["Person"])
    }

    @Test func mergeTakesTheLaterTypeAndResolvesTables() {
        var mine = Self.schema
        var theirs = Self.schema
        theirs.types["ks.address"]!.fields.append(CQLUDTField(name: "country", type: .text))
        theirs.types["ks.address"]!.timestamp = 20
        let changed = mine.merge(theirs)
        #expect(changed)
        #expect(mine.table("ks", "t")?.columns.first { $0.name == "a" }?.type.description == "address")
        guard case .udt(_, _, let fields)? = mine.table("ks", "t")?.columns.first(where: { $0.name == "a" })?.type else {
            Issue.record("column a lost its type")
            return
        }
        #expect(fields.map(\.name) == ["city", "zip", "country"])
    }

    @Test func typeTextNamesQuotedTypes() throws {
        #expect(CQLDataType.frozen(Self.schema.types["ks.Person"]!.dataType).description == "frozen<\"Person\">")
        #expect(try SchemaTypeText.parse("list<frozen<\"Person\">>", keyspace: "ks")
                    == .list(.frozen(.udt(keyspace: "ks", name: "Person", fields: []))))
    }
}
