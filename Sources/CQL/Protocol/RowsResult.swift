import NIOCore

/// A RESULT Rows body: metadata and rows of serialized cells (nil = null).
public struct RowsResult: Sendable, Hashable {
    /// The metadata; `columnCount` must equal every row's length.
    public var metadata: RowsMetadata
    /// The rows; each cell is a serialized value or nil for null.
    public var rows: [[[UInt8]?]]

    /// Creates a rows result. Requires every row to have `metadata.columnCount` cells.
    public init(metadata: RowsMetadata, rows: [[[UInt8]?]]) {
        precondition(rows.allSatisfy { $0.count == metadata.columnCount }, "row width must match metadata")
        self.metadata = metadata
        self.rows = rows
    }

    /// Appends metadata, count and rows.
    public func write(into buffer: inout ByteBuffer) {
        metadata.write(into: &buffer)
        buffer.writeProtocolInt(Int32(rows.count))
        for row in rows {
            for cell in row { buffer.writeProtocolBytes(cell) }
        }
    }

    /// Reads metadata, count and rows; the counts are checked against the remaining bytes.
    public static func read(from reader: inout ProtocolReader, limits: ProtocolLimits = .default)
        throws(ProtocolError) -> RowsResult {
        let (metadata, rowCount) = try readHeader(from: &reader, limits: limits)
        var rows: [[[UInt8]?]] = []
        rows.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            var row: [[UInt8]?] = []
            row.reserveCapacity(metadata.columnCount)
            for _ in 0..<metadata.columnCount { row.append(try reader.readBytes()) }
            rows.append(row)
        }
        return RowsResult(metadata: metadata, rows: rows)
    }

    /// Reads the metadata and the row count, and checks the rows as `read` does without
    /// copying their cells out: for callers that only count rows.
    public static func readCounting(from reader: inout ProtocolReader, limits: ProtocolLimits = .default)
        throws(ProtocolError) -> (metadata: RowsMetadata, rowCount: Int) {
        let (metadata, rowCount) = try readHeader(from: &reader, limits: limits)
        for _ in 0..<(rowCount * metadata.columnCount) { try reader.skipBytes() }
        return (metadata, rowCount)
    }

    /// The metadata and row count, checked against the remaining bytes.
    private static func readHeader(from reader: inout ProtocolReader, limits: ProtocolLimits)
        throws(ProtocolError) -> (RowsMetadata, Int) {
        let metadata = try RowsMetadata.read(from: &reader, limits: limits)
        let rowCount = Int(try reader.readInt())
        if rowCount < 0 { throw .negativeLength(rowCount) }
        let cellCount = rowCount.multipliedReportingOverflow(by: metadata.columnCount)
        if cellCount.overflow || cellCount.partialValue > reader.remainingBytes / 4 {
            throw .truncated(neededBytes: Int.max, remainingBytes: reader.remainingBytes)
        }
        // Rows without columns take no bytes, so the body cannot bound their count.
        if metadata.columnCount == 0 && rowCount > limits.maxRowsWithoutColumns {
            throw .invalidField("\(rowCount) rows without columns")
        }
        return (metadata, rowCount)
    }
}
