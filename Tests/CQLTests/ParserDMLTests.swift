import Testing

@testable import CQL

private let t = CQLQualifiedName("t")
private func eq(_ column: String, _ term: CQLTerm) -> CQLWhereExpression {
    .relation(.compare(.column(column), .equal, term))
}

@Suite struct ParserDMLTests {
    static let cases: [(String, CQLStatement)] = [
        (
            "INSERT INTO t (k, v) VALUES (1, 'a')",
            .insert(CQLInsert(table: t, values: .columns(["k", "v"], values: [.integer("1"), .string("a")])))
        ),
        (
            "INSERT INTO ks.t (k, v, w) VALUES (?, :val, now()) IF NOT EXISTS USING TTL 86400 AND TIMESTAMP 123",
            .insert(
                CQLInsert(
                    table: CQLQualifiedName(keyspace: "ks", "t"),
                    values: .columns(
                        ["k", "v", "w"], values: [.bindMarker, .namedBindMarker("val"), .functionCall(CQLQualifiedName("now"), [])]),
                    condition: .notExists,
                    using: CQLUsing(timeToLive: .integer("86400"), timestamp: .integer("123"))))
        ),
        (
            "INSERT INTO t (k, l, s, m, tu, n, b, u, f, d) VALUES (-1, [1, 2], {'a', 'b'}, {'x': 1, 'y': -2}, (1, 'z'), NULL, 0xff, 123e4567-e89b-12d3-a456-426614174000, -1.5, 1h30m)",
            .insert(
                CQLInsert(
                    table: t,
                    values: .columns(
                        ["k", "l", "s", "m", "tu", "n", "b", "u", "f", "d"],
                        values: [
                            .integer("-1"), .list([.integer("1"), .integer("2")]), .set([.string("a"), .string("b")]),
                            .map([.init(key: .string("x"), value: .integer("1")), .init(key: .string("y"), value: .integer("-2"))]),
                            .tuple([.integer("1"), .string("z")]), .null, .blob("ff"),
                            .uuid("123e4567-e89b-12d3-a456-426614174000"), .float("-1.5"), .duration("1h30m"),
                        ])))
        ),
        (
            "INSERT INTO t (k, ts, m) VALUES (1, toTimestamp(now()), {})",
            .insert(
                CQLInsert(
                    table: t,
                    values: .columns(
                        ["k", "ts", "m"],
                        values: [
                            .integer("1"),
                            .functionCall(CQLQualifiedName("totimestamp"), [.functionCall(CQLQualifiedName("now"), [])]),
                            .map([]),
                        ])))
        ),
        (
            "INSERT INTO t JSON '{\"k\": 1}'",
            .insert(CQLInsert(table: t, values: .json(.string("{\"k\": 1}"))))
        ),
        (
            "INSERT INTO t JSON ? DEFAULT UNSET USING TTL 5",
            .insert(CQLInsert(table: t, values: .json(.bindMarker), using: CQLUsing(timeToLive: .integer("5")),
                              jsonDefaultUnset: true))
        ),
        (
            "INSERT INTO t JSON ? DEFAULT NULL",
            .insert(CQLInsert(table: t, values: .json(.bindMarker)))
        ),
        (
            "UPDATE t SET v = 'x' WHERE k = 1",
            .update(CQLUpdate(table: t, assignments: [.set(column: "v", .string("x"))], whereClause: eq("k", .integer("1"))))
        ),
        (
            "UPDATE t USING TTL 10 SET m['k'] = 'v', c = c + 1, d = d - 2, l = [0] + l, s += {'a'}, s2 -= {'b'}, n = n -1 WHERE k = 1 AND c1 > 2 IF EXISTS",
            .update(
                CQLUpdate(
                    table: t, using: CQLUsing(timeToLive: .integer("10")),
                    assignments: [
                        .setElement(column: "m", key: .string("k"), .string("v")),
                        .add(column: "c", .integer("1")),
                        .subtract(column: "d", .integer("2")),
                        .prepend(column: "l", .list([.integer("0")])),
                        .add(column: "s", .set([.string("a")])),
                        .subtract(column: "s2", .set([.string("b")])),
                        .subtract(column: "n", .integer("1")),
                    ],
                    whereClause: .and([eq("k", .integer("1")), .relation(.compare(.column("c1"), .greaterThan, .integer("2")))]),
                    condition: .exists))
        ),
        (
            "UPDATE t SET v = 2 WHERE k = 1 IF v = 1 AND m['a'] != 'b' AND w IN (1, 2)",
            .update(
                CQLUpdate(
                    table: t, assignments: [.set(column: "v", .integer("2"))], whereClause: eq("k", .integer("1")),
                    condition: .relations([
                        .compare(.column("v"), .equal, .integer("1")),
                        .compare(.element(column: "m", key: .string("a")), .notEqual, .string("b")),
                        .in(.column("w"), [.integer("1"), .integer("2")]),
                    ])))
        ),
        (
            "DELETE FROM t WHERE k = 1",
            .delete(CQLDelete(table: t, whereClause: eq("k", .integer("1"))))
        ),
        (
            "DELETE v, m['k'], l[0] FROM t USING TIMESTAMP ? WHERE k IN (1, 2) IF EXISTS",
            .delete(
                CQLDelete(
                    selection: [.column("v"), .element(column: "m", key: .string("k")), .element(column: "l", key: .integer("0"))],
                    table: t, using: CQLUsing(timestamp: .bindMarker),
                    whereClause: .relation(.in(.column("k"), [.integer("1"), .integer("2")])), condition: .exists))
        ),
        (
            """
            BEGIN UNLOGGED BATCH USING TIMESTAMP 5
              INSERT INTO t (k) VALUES (1);
              UPDATE t SET v = 1 WHERE k = 2;
              DELETE FROM t WHERE k = 3
            APPLY BATCH
            """,
            .batch(
                CQLBatch(
                    kind: .unlogged, using: CQLUsing(timestamp: .integer("5")),
                    statements: [
                        .insert(CQLInsert(table: t, values: .columns(["k"], values: [.integer("1")]))),
                        .update(CQLUpdate(table: t, assignments: [.set(column: "v", .integer("1"))], whereClause: eq("k", .integer("2")))),
                        .delete(CQLDelete(table: t, whereClause: eq("k", .integer("3")))),
                    ]))
        ),
        (
            "BEGIN COUNTER BATCH UPDATE t SET c = c + 1 WHERE k = 1; APPLY BATCH",
            .batch(
                CQLBatch(
                    kind: .counter,
                    statements: [
                        .update(CQLUpdate(table: t, assignments: [.add(column: "c", .integer("1"))], whereClause: eq("k", .integer("1"))))
                    ]))
        ),
        ("BEGIN BATCH APPLY BATCH", .batch(CQLBatch(statements: []))),
    ]

    @Test(arguments: cases)
    func parses(text: String, expected: CQLStatement) throws {
        #expect(try CQLParser.parseStatement(text) == expected)
    }

    @Test func scriptSplitsOnSemicolons() throws {
        let script = """
            -- schema
            CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
            USE ks;;
            /* data */ INSERT INTO t (k) VALUES (1);
            SELECT * FROM t
            """
        let statements = try CQLParser.parseScript(script)
        #expect(statements.count == 4)
        #expect(statements[1] == .use(keyspace: "ks"))
        #expect(try CQLParser.parseScript("  ;; -- nothing\n").isEmpty)
    }

    @Test func scriptReportsErrorInLaterStatement() {
        #expect {
            try CQLParser.parseScript("USE ks;\nSELECT * FORM t;")
        } throws: { error in
            let error = error as? CQLSyntaxError
            return error?.line == 2 && error?.column == 10 && error?.token == "FORM"
        }
    }
}
