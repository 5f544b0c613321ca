import KVCore
import Testing

@testable import CQL

/// User-defined types in the grammar: ALTER TYPE, UDT literals, field assignment and
/// field deletion, and literal conversion by field name.
@Suite struct ParserUserTypeTests {
    static let cases: [(String, CQLStatement)] = [
        (
            "ALTER TYPE ks.address ADD country text",
            .alterType(name: CQLQualifiedName(keyspace: "ks", "address"), ifExists: false,
                       change: .addField(CQLColumnDefinition(name: "country", type: .native(.text)), ifNotExists: false))
        ),
        (
            "ALTER TYPE IF EXISTS address ADD IF NOT EXISTS country text",
            .alterType(name: CQLQualifiedName("address"), ifExists: true,
                       change: .addField(CQLColumnDefinition(name: "country", type: .native(.text)), ifNotExists: true))
        ),
        (
            "ALTER TYPE address RENAME IF EXISTS zip TO postcode",
            .alterType(name: CQLQualifiedName("address"), ifExists: false,
                       change: .renameFields([CQLFieldRename(from: "zip", to: "postcode")], ifExists: true))
        ),
        (
            "ALTER TYPE address RENAME zip TO postcode AND \"City\" TO town",
            .alterType(name: CQLQualifiedName("address"), ifExists: false,
                       change: .renameFields([CQLFieldRename(from: "zip", to: "postcode"), CQLFieldRename(from: "City", to: "town")],
                                             ifExists: false))
        ),
        (
            "INSERT INTO t (k, a) VALUES (1, {city: 'Paris', \"Zip\": 75001, none: null})",
            .insert(CQLInsert(table: CQLQualifiedName("t"), values: .columns(["k", "a"], values: [
                .integer("1"),
                .userType([CQLFieldValue(field: "city", value: .string("Paris")),
                           CQLFieldValue(field: "Zip", value: .integer("75001")),
                           CQLFieldValue(field: "none", value: .null)]),
            ])))
        ),
        (
            "UPDATE t SET a.city = ? WHERE k = 1",
            .update(CQLUpdate(table: CQLQualifiedName("t"), assignments: [.setField(column: "a", field: "city", .bindMarker)],
                              whereClause: .relation(.compare(.column("k"), .equal, .integer("1")))))
        ),
        (
            "DELETE a.city FROM t WHERE k = 1",
            .delete(CQLDelete(selection: [.field(column: "a", field: "city")], table: CQLQualifiedName("t"),
                              whereClause: .relation(.compare(.column("k"), .equal, .integer("1")))))
        ),
    ]

    @Test(arguments: cases)
    func parses(text: String, expected: CQLStatement) throws {
        #expect(try CQLParser.parseStatement(text) == expected)
    }

    @Test func mapLiteralsStayMaps() throws {
        let statement = try CQLParser.parseStatement("INSERT INTO t (k, m) VALUES (1, {'city': 'Paris'})")
        guard case .insert(let insert) = statement, case .columns(_, let values) = insert.values else {
            Issue.record("not an insert")
            return
        }
        #expect(values[1] == .map([CQL.CQLMapEntry(key: .string("city"), value: .string("Paris"))]))
    }

    static let address = CQLDataType.udt(keyspace: "ks", name: "address", fields: [
        CQLUDTField(name: "city", type: .text), CQLUDTField(name: "zip", type: .int),
    ])
    static let context = TermContext(nowMicros: 0, timeUUID: { CQLUUID(bytes: Array(repeating: 0, count: 16))! },
                                     randomUUID: { CQLUUID(bytes: Array(repeating: 0, count: 16))! })

    @Test func literalConvertsByFieldNameWithMissingFieldsNull() throws {
        let term = CQLTerm.userType([CQLFieldValue(field: "zip", value: .integer("75001"))])
        #expect(try term.value(as: Self.address, context: Self.context) == .udt([nil, .int(75001)]))
    }

    @Test func unknownFieldIsRefusedWithCassandrasMessage() {
        let term = CQLTerm.userType([CQLFieldValue(field: "street", value: .string("x"))])
        #expect(throws: CQLTermError("Unknown field 'street' in value of user defined type address")) {
            try term.value(as: Self.address, context: Self.context)
        }
    }
}
