import Testing

@testable import CQL

private let t = CQLQualifiedName("t")
private func column(_ name: String) -> CQLSelector { CQLSelector(.column(name)) }

@Suite struct ParserSelectTests {
    static let cases: [(String, CQLSelect)] = [
        ("SELECT * FROM t", CQLSelect(selection: .all, table: t)),
        ("select a, B AS \"Bee\" from ks.t", CQLSelect(
            selection: .selectors([column("a"), CQLSelector(.column("b"), alias: "Bee")]),
            table: CQLQualifiedName(keyspace: "ks", "t"))),
        ("SELECT DISTINCT k FROM t", CQLSelect(isDistinct: true, selection: .selectors([column("k")]), table: t)),
        ("SELECT JSON * FROM t", CQLSelect(isJSON: true, selection: .all, table: t)),
        ("SELECT distinct, json FROM t", CQLSelect(selection: .selectors([column("distinct"), column("json")]), table: t)),
        ("SELECT COUNT(*) FROM t", CQLSelect(selection: .selectors([CQLSelector(.countAll)]), table: t)),
        ("SELECT count(1) AS n FROM t", CQLSelect(selection: .selectors([CQLSelector(.countAll, alias: "n")]), table: t)),
        (
            "SELECT WRITETIME(v), ttl(v), token(k1, k2), CAST(x AS text), max(c), ks.f(a, 1), m['k'], u.street FROM t",
            CQLSelect(
                selection: .selectors([
                    CQLSelector(.writeTime("v")), CQLSelector(.timeToLive("v")),
                    CQLSelector(.functionCall(CQLQualifiedName("token"), [.column("k1"), .column("k2")])),
                    CQLSelector(.cast(.column("x"), .native(.text))),
                    CQLSelector(.functionCall(CQLQualifiedName("max"), [.column("c")])),
                    CQLSelector(.functionCall(CQLQualifiedName(keyspace: "ks", "f"), [.column("a"), .term(.integer("1"))])),
                    CQLSelector(.element(.column("m"), .string("k"))),
                    CQLSelector(.field(.column("u"), "street")),
                ]),
                table: t)
        ),
        (
            "SELECT * FROM t WHERE k = ? AND c >= 1 AND c < 10 GROUP BY k, c ORDER BY c DESC, d PER PARTITION LIMIT 2 LIMIT :n ALLOW FILTERING",
            CQLSelect(
                selection: .all, table: t,
                whereClause: .and([
                    .relation(.compare(.column("k"), .equal, .bindMarker)),
                    .relation(.compare(.column("c"), .greaterThanOrEqual, .integer("1"))),
                    .relation(.compare(.column("c"), .lessThan, .integer("10"))),
                ]),
                groupBy: ["k", "c"], orderBy: [.init(column: "c", isDescending: true), .init(column: "d")],
                perPartitionLimit: .integer("2"), limit: .namedBindMarker("n"), allowFiltering: true)
        ),
        (
            "SELECT * FROM t WHERE token(a, b) > token(1, 2) AND token(a, b) <= -100",
            CQLSelect(
                selection: .all, table: t,
                whereClause: .and([
                    .relation(
                        .compare(.token(["a", "b"]), .greaterThan, .functionCall(CQLQualifiedName("token"), [.integer("1"), .integer("2")]))),
                    .relation(.compare(.token(["a", "b"]), .lessThanOrEqual, .integer("-100"))),
                ]))
        ),
        (
            "SELECT * FROM t WHERE k = 1 AND (c1, c2) > (1, 'a') AND (c1, c2) IN ((1, 'b'), (2, 'c')) AND (c1) IN ?",
            CQLSelect(
                selection: .all, table: t,
                whereClause: .and([
                    .relation(.compare(.column("k"), .equal, .integer("1"))),
                    .relation(.compare(.tuple(["c1", "c2"]), .greaterThan, .tuple([.integer("1"), .string("a")]))),
                    .relation(
                        .in(.tuple(["c1", "c2"]), [.tuple([.integer("1"), .string("b")]), .tuple([.integer("2"), .string("c")])])),
                    .relation(.inMarker(.tuple(["c1"]), .bindMarker)),
                ]))
        ),
        (
            "SELECT * FROM t WHERE tags CONTAINS 'x' AND attrs CONTAINS KEY 'plan' AND attrs['plan'] = 'pro' AND v IS NOT NULL AND w IS NULL AND k IN ()",
            CQLSelect(
                selection: .all, table: t,
                whereClause: .and([
                    .relation(.compare(.column("tags"), .contains, .string("x"))),
                    .relation(.compare(.column("attrs"), .containsKey, .string("plan"))),
                    .relation(.compare(.element(column: "attrs", key: .string("plan")), .equal, .string("pro"))),
                    .relation(.isNotNull(.column("v"))),
                    .relation(.isNull(.column("w"))),
                    .relation(.in(.column("k"), [])),
                ]))
        ),
    ]

    @Test(arguments: cases)
    func parses(text: String, expected: CQLSelect) throws {
        #expect(try CQLParser.parseStatement(text) == .select(expected))
    }

    /// Aggregates, DISTINCT and GROUP BY (issue 6, reads): the parser keeps aggregates as
    /// plain function calls; the planner decides which names are aggregates.
    static let aggregateCases: [(String, CQLSelect)] = [
        (
            "SELECT DISTINCT k1, k2, s FROM t WHERE token(k1, k2) > 0 LIMIT 5",
            CQLSelect(
                isDistinct: true, selection: .selectors([column("k1"), column("k2"), column("s")]), table: t,
                whereClause: .relation(.compare(.token(["k1", "k2"]), .greaterThan, .integer("0"))), limit: .integer("5"))
        ),
        (
            "SELECT k, count(*), COUNT(v), min(v) AS lo, system.max(v), sum(v), avg(v) FROM t GROUP BY k",
            CQLSelect(
                selection: .selectors([
                    column("k"), CQLSelector(.countAll),
                    CQLSelector(.functionCall(CQLQualifiedName("count"), [.column("v")])),
                    CQLSelector(.functionCall(CQLQualifiedName("min"), [.column("v")]), alias: "lo"),
                    CQLSelector(.functionCall(CQLQualifiedName(keyspace: "system", "max"), [.column("v")])),
                    CQLSelector(.functionCall(CQLQualifiedName("sum"), [.column("v")])),
                    CQLSelector(.functionCall(CQLQualifiedName("avg"), [.column("v")])),
                ]),
                table: t, groupBy: ["k"])
        ),
        (
            "SELECT k, c1, max(v) FROM t WHERE k = ? GROUP BY k, c1 ORDER BY c1 DESC LIMIT 3",
            CQLSelect(
                selection: .selectors([column("k"), column("c1"), CQLSelector(.functionCall(CQLQualifiedName("max"), [.column("v")]))]),
                table: t, whereClause: .relation(.compare(.column("k"), .equal, .bindMarker)), groupBy: ["k", "c1"],
                orderBy: [.init(column: "c1", isDescending: true)], limit: .integer("3"))
        ),
        ("SELECT distinct FROM t", CQLSelect(selection: .selectors([column("distinct")]), table: t)),
    ]

    @Test(arguments: aggregateCases)
    func parsesAggregates(text: String, expected: CQLSelect) throws {
        #expect(try CQLParser.parseStatement(text) == .select(expected))
    }

    @Test(arguments: [
        "SELECT k FROM t GROUP k",
        "SELECT k FROM t GROUP BY",
        "SELECT k FROM t GROUP BY k,",
        "SELECT count( FROM t",
        "SELECT DISTINCT FROM t WHERE",
        "SELECT max(v FROM t",
    ])
    func rejectsMalformedAggregates(text: String) {
        #expect(throws: CQLSyntaxError.self) { try CQLParser.parseStatement(text) }
    }
}

@Suite struct ParserWhereTests {
    private static func rel(_ column: String, _ op: CQLOperator, _ value: Int) -> CQLWhereExpression {
        .relation(.compare(.column(column), op, .integer(String(value))))
    }

    @Test func precedenceIsOrThenAndThenNot() throws {
        let expression = try CQLParser.parseWhereExpression("a = 1 OR b = 2 AND NOT c = 3")
        #expect(expression == .or([Self.rel("a", .equal, 1), .and([Self.rel("b", .equal, 2), .not(Self.rel("c", .equal, 3))])]))
    }

    @Test func parenthesesGroup() throws {
        let expression = try CQLParser.parseWhereExpression("(a = 1 OR b != 2) AND NOT (c < 3 AND d > 4)")
        #expect(
            expression
                == .and([
                    .or([Self.rel("a", .equal, 1), Self.rel("b", .notEqual, 2)]),
                    .not(.and([Self.rel("c", .lessThan, 3), Self.rel("d", .greaterThan, 4)])),
                ]))
        #expect(expression.conjunction == nil)
    }

    @Test func selectAcceptsBooleanFilter() throws {
        let statement = try CQLParser.parseStatement(
            "SELECT COUNT(*) FROM t WHERE attrs['plan'] = 'pro' OR (age >= 18 AND country IN ('fr', 'de')) LIMIT 10 ALLOW FILTERING")
        guard case .select(let select) = statement else {
            Issue.record("not a select")
            return
        }
        #expect(select.allowFiltering)
        #expect(select.limit == .integer("10"))
        #expect(
            select.whereClause
                == .or([
                    .relation(.compare(.element(column: "attrs", key: .string("plan")), .equal, .string("pro"))),
                    .and([
                        Self.rel("age", .greaterThanOrEqual, 18),
                        .relation(.in(.column("country"), [.string("fr"), .string("de")])),
                    ]),
                ]))
    }

    @Test func flatConjunctionListsRelations() throws {
        let expression = try CQLParser.parseWhereExpression("a = 1 AND (b = 2 AND c = 3)")
        #expect(expression.conjunction?.count == 3)
    }
}
