import Testing

@testable import CQL

@Suite struct ParserIdentifierTests {
    @Test func unquotedNamesFoldAndQuotedNamesKeepCase() throws {
        let statement = try CQLParser.parseStatement(#"SELECT MyCol, "MyCol" FROM MyKs."MyTable" WHERE "Key" = 1"#)
        #expect(
            statement
                == .select(
                    CQLSelect(
                        selection: .selectors([CQLSelector(.column("mycol")), CQLSelector(.column("MyCol"))]),
                        table: CQLQualifiedName(keyspace: "myks", "MyTable"),
                        whereClause: .relation(.compare(.column("Key"), .equal, .integer("1"))))))
    }

    @Test func unreservedKeywordsNameColumns() throws {
        let create = try CQLParser.parseStatement("CREATE TABLE t (key int PRIMARY KEY, ttl int, type text, count int)")
        guard case .createTable(let table) = create else {
            Issue.record("not a create table")
            return
        }
        #expect(table.columns.map(\.name) == ["key", "ttl", "type", "count"])
        #expect(table.partitionKey == ["key"])
        let select = try CQLParser.parseStatement("SELECT key, ttl, type FROM t WHERE count = 2")
        guard case .select(let query) = select else {
            Issue.record("not a select")
            return
        }
        #expect(query.selection == .selectors([CQLSelector(.column("key")), CQLSelector(.column("ttl")), CQLSelector(.column("type"))]))
    }

    @Test func reservedKeywordsNeedQuotes() throws {
        #expect(throws: CQLSyntaxError.self) { try CQLParser.parseStatement("SELECT * FROM t WHERE from = 1") }
        #expect(
            try CQLParser.parseStatement(#"SELECT * FROM t WHERE "from" = 1"#)
                == .select(
                    CQLSelect(
                        selection: .all, table: CQLQualifiedName("t"),
                        whereClause: .relation(.compare(.column("from"), .equal, .integer("1"))))))
    }

    @Test func bindMarkersEverywhere() throws {
        let statement = try CQLParser.parseStatement(
            "UPDATE t USING TTL ? AND TIMESTAMP :ts SET v = ?, m[?] = :val WHERE k = ? AND c IN ? IF x = :select")
        #expect(
            statement
                == .update(
                    CQLUpdate(
                        table: CQLQualifiedName("t"), using: CQLUsing(timeToLive: .bindMarker, timestamp: .namedBindMarker("ts")),
                        assignments: [
                            .set(column: "v", .bindMarker), .setElement(column: "m", key: .bindMarker, .namedBindMarker("val")),
                        ],
                        whereClause: .and([
                            .relation(.compare(.column("k"), .equal, .bindMarker)),
                            .relation(.inMarker(.column("c"), .bindMarker)),
                        ]),
                        condition: .relations([.compare(.column("x"), .equal, .namedBindMarker("select"))]))))
    }

    @Test func errorDescriptionIsTheMessage() throws {
        do {
            _ = try CQLParser.parseStatement("SELECT * FORM t")
            Issue.record("parsed")
        } catch {
            #expect("\(error)" == "line 1:9 mismatched input 'FORM' expecting FROM")
        }
    }
}
