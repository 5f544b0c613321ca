import CQL
import KVCore

/// Turns protocol results into `QueryResult`s with decoded values.
enum ResultDecoding {
    /// Decodes the RESULT `result` carried by `response`. `knownColumns` are used when the rows
    /// carry No_metadata or the same columns (an EXECUTE whose prepared result described
    /// them): its pages then share them instead of building their own. A page keeps the
    /// response's warnings and custom payload.
    static func decode(_ result: ResultMessage, of response: DecodedResponse, knownColumns: ResultColumns?,
                       text: String, keyspace: String?) throws(KVClientError) -> QueryResult {
        switch result {
        case .void: return .void
        case .setKeyspace(let name): return .setKeyspace(name)
        case .schemaChange(let change): return .schemaChange(change)
        case .prepared(let prepared):
            return .prepared(PreparedStatement(text: text, keyspace: keyspace, result: prepared))
        case .rows(let rows):
            return .rows(try decodePage(rows, knownColumns: knownColumns, warnings: response.warnings,
                                        customPayload: nonNullEntries(response.customPayload)))
        }
    }

    /// Decodes every cell of a Rows result.
    static func decodePage(_ rows: RowsResult, knownColumns: ResultColumns?, warnings: [String],
                           customPayload: [String: [UInt8]]) throws(KVClientError) -> ResultPage {
        let columns = try pageColumns(rows.metadata, knownColumns: knownColumns)
        let specifications = columns.specifications
        var decoded: [Row] = []
        decoded.reserveCapacity(rows.rows.count)
        for row in rows.rows {
            var values: [CQLValue?] = []
            values.reserveCapacity(row.count)
            for (index, cell) in row.enumerated() {
                values.append(try decodeCell(cell, as: columns.types[index], column: specifications[index].name))
            }
            decoded.append(Row(columns: columns, values: values))
        }
        return ResultPage(columns: columns, rows: decoded, pagingState: rows.metadata.pagingState,
                          warnings: warnings, customPayload: customPayload)
    }

    /// The page's columns: `knownColumns` when the page has none of its own or the same ones.
    private static func pageColumns(_ metadata: RowsMetadata, knownColumns: ResultColumns?) throws(KVClientError)
        -> ResultColumns {
        let columns: ResultColumns
        switch (metadata.columns, knownColumns) {
        case (nil, let known?): columns = known
        case (let own?, let known?) where own == known.specifications: columns = known
        case (let own?, _): columns = ResultColumns(specifications: own)
        case (nil, nil): throw .protocolError("rows without column metadata")
        }
        guard columns.count == metadata.columnCount else {
            throw .protocolError("rows of \(metadata.columnCount) columns, described with \(columns.count)")
        }
        return columns
    }

    /// A `[bytes map]` without its null values (a key with no value says nothing).
    private static func nonNullEntries(_ map: [String: [UInt8]?]?) -> [String: [UInt8]] {
        guard let map else { return [:] }
        return map.compactMapValues { $0 }
    }

    /// A null cell, or an empty one of a type whose empty value means nothing (the drivers
    /// read those as null too), is nil.
    private static func decodeCell(_ cell: [UInt8]?, as type: CQLDataType, column: String) throws(KVClientError) -> CQLValue? {
        guard let cell else { return nil }
        if cell.isEmpty {
            switch type.unfrozen {
            case .text, .ascii, .blob: break
            default: return nil
            }
        }
        do {
            return try CQLValue.deserialize(cell, as: type)
        } catch {
            throw .protocolError("cannot decode column \(column) as \(type): \(error)")
        }
    }
}
