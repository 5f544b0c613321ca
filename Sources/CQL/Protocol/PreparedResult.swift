import NIOCore

/// A RESULT Prepared (kind 4), v4 layout:
///
/// ```
/// [short bytes] id
/// [int flags][int columns_count][int pk_count] pk_count × [short] pk_index
///   ([string] ks [string] table if flags 0x0001) columns × (([ks][table])? [string] name [option])
/// <result metadata> (the Rows metadata layout; No_metadata for non-SELECT statements)
/// ```
public struct PreparedResult: Sendable, Hashable {
    /// The statement id: deterministic for a (keyspace, query) on every node.
    public var id: [UInt8]
    /// The bind markers, in order.
    public var bindColumns: [ColumnSpecification]
    /// Positions in `bindColumns` of the partition-key components, in key order.
    public var partitionKeyIndexes: [UInt16]
    /// What an EXECUTE returns.
    public var resultMetadata: RowsMetadata

    /// Creates a prepared result.
    public init(id: [UInt8], bindColumns: [ColumnSpecification], partitionKeyIndexes: [UInt16],
                resultMetadata: RowsMetadata) {
        self.id = id
        self.bindColumns = bindColumns
        self.partitionKeyIndexes = partitionKeyIndexes
        self.resultMetadata = resultMetadata
    }

    /// Appends the body after the kind.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeProtocolShortBytes(id)
        let first = bindColumns.first
        let shared = first != nil && bindColumns.allSatisfy { $0.keyspace == first!.keyspace && $0.table == first!.table }
        buffer.writeProtocolInt(shared ? 0x0001 : 0)
        buffer.writeProtocolInt(Int32(bindColumns.count))
        buffer.writeProtocolInt(Int32(partitionKeyIndexes.count))
        for index in partitionKeyIndexes { buffer.writeProtocolShort(index) }
        if shared, let first {
            buffer.writeProtocolString(first.keyspace)
            buffer.writeProtocolString(first.table)
        }
        for column in bindColumns { RowsMetadata.write(column, withTable: !shared, into: &buffer) }
        resultMetadata.write(into: &buffer)
    }

    /// Reads the body after the kind.
    public static func read(from reader: inout ProtocolReader, limits: ProtocolLimits = .default)
        throws(ProtocolError) -> PreparedResult {
        let id = try reader.readShortBytes()
        let flags = try reader.readInt()
        if flags & ~0x0001 != 0 { throw .invalidField("prepared metadata flags \(flags)") }
        let count = Int(try reader.readInt())
        if count < 0 { throw .negativeLength(count) }
        let keyCount = Int(try reader.readInt())
        if keyCount < 0 { throw .negativeLength(keyCount) }
        if keyCount * 2 > reader.remainingBytes {
            throw .truncated(neededBytes: keyCount * 2, remainingBytes: reader.remainingBytes)
        }
        var indexes: [UInt16] = []
        for _ in 0..<keyCount { indexes.append(try reader.readShort()) }
        let columns = try RowsMetadata.readColumns(count: count, globalSpec: flags & 0x0001 != 0,
                                                   from: &reader, limits: limits)
        let result = try RowsMetadata.read(from: &reader, limits: limits)
        return PreparedResult(id: id, bindColumns: columns, partitionKeyIndexes: indexes, resultMetadata: result)
    }
}
