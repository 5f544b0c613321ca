import NIOCore

/// The `<metadata>` of a Rows result (and a Prepared result's result metadata):
///
/// ```
/// [int flags][int columns_count]([bytes] paging_state if 0x0002)
/// unless 0x0004: ([string] ks [string] table if 0x0001)
///                columns_count × (([string] ks [string] table unless 0x0001) [string] name [option] type)
/// ```
/// The encoder sets Global_tables_spec (0x0001) whenever every column shares one table.
public struct RowsMetadata: Sendable, Hashable {
    /// The number of columns in each row.
    public var columnCount: Int
    /// The column specs, or nil for No_metadata (0x0004).
    public var columns: [ColumnSpecification]?
    /// Present when there are more pages (0x0002): opaque, resend it to continue.
    public var pagingState: [UInt8]?

    /// Full metadata for `columns`.
    public init(columns: [ColumnSpecification], pagingState: [UInt8]? = nil) {
        self.columnCount = columns.count
        self.columns = columns
        self.pagingState = pagingState
    }

    /// No_metadata: just the count (the client asked to skip it, or non-SELECT prepared results).
    public init(noMetadataColumnCount: Int, pagingState: [UInt8]? = nil) {
        self.columnCount = noMetadataColumnCount
        self.columns = nil
        self.pagingState = pagingState
    }

    private var sharedTable: (String, String)? {
        guard let first = columns?.first,
              columns!.allSatisfy({ $0.keyspace == first.keyspace && $0.table == first.table }) else { return nil }
        return (first.keyspace, first.table)
    }

    /// Appends the metadata.
    public func write(into buffer: inout ByteBuffer) {
        let shared = sharedTable
        var flags: Int32 = 0
        if shared != nil { flags |= 0x0001 }
        if pagingState != nil { flags |= 0x0002 }
        if columns == nil { flags |= 0x0004 }
        buffer.writeProtocolInt(flags)
        buffer.writeProtocolInt(Int32(columnCount))
        if let pagingState { buffer.writeProtocolBytes(pagingState) }
        guard let columns else { return }
        if let (keyspace, table) = shared {
            buffer.writeProtocolString(keyspace)
            buffer.writeProtocolString(table)
        }
        for column in columns { Self.write(column, withTable: shared == nil, into: &buffer) }
    }

    static func write(_ column: ColumnSpecification, withTable: Bool, into buffer: inout ByteBuffer) {
        if withTable {
            buffer.writeProtocolString(column.keyspace)
            buffer.writeProtocolString(column.table)
        }
        buffer.writeProtocolString(column.name)
        column.type.write(into: &buffer)
    }

    /// Reads metadata. Unknown flags (0x0008 is v5-only) are refused.
    public static func read(from reader: inout ProtocolReader, limits: ProtocolLimits = .default)
        throws(ProtocolError) -> RowsMetadata {
        let flags = try reader.readInt()
        if flags & ~0x0007 != 0 { throw .invalidField("rows metadata flags \(flags)") }
        let count = Int(try reader.readInt())
        if count < 0 { throw .negativeLength(count) }
        var pagingState: [UInt8]?
        if flags & 0x0002 != 0 { pagingState = try reader.readBytes() ?? [] }
        if flags & 0x0004 != 0 { return RowsMetadata(noMetadataColumnCount: count, pagingState: pagingState) }
        let columns = try readColumns(count: count, globalSpec: flags & 0x0001 != 0, from: &reader, limits: limits)
        return RowsMetadata(columns: columns, pagingState: pagingState)
    }

    private static func readTable(from reader: inout ProtocolReader) throws(ProtocolError) -> (String, String) {
        let keyspace = try reader.readString()
        return (keyspace, try reader.readString())
    }

    static func readColumns(count: Int, globalSpec: Bool, from reader: inout ProtocolReader,
                            limits: ProtocolLimits) throws(ProtocolError) -> [ColumnSpecification] {
        var shared: (String, String)?
        if globalSpec {
            let keyspace = try reader.readString()
            shared = (keyspace, try reader.readString())
        }
        if count * 4 > reader.remainingBytes { throw .truncated(neededBytes: count * 4, remainingBytes: reader.remainingBytes) }
        var columns: [ColumnSpecification] = []
        for _ in 0..<count {
            var table = shared
            if table == nil { table = try readTable(from: &reader) }
            let (keyspace, tableName) = table!
            let name = try reader.readString()
            let type = try DataTypeOption.read(from: &reader, depthLimit: limits.maxTypeNestingDepth)
            columns.append(ColumnSpecification(keyspace: keyspace, table: tableName, name: name, type: type))
        }
        return columns
    }
}
