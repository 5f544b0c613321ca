import KVCore

/// Encodes a row (without its clustering key, which is in the storage key) to the bytes
/// stored as a memtable value and an SSTable entry value. Layout in FORMAT.md, "Row".
public enum RowCodec {
    static let hasDeletionFlag: UInt8 = 0x01
    static let hasPathFlag: UInt8 = 0x80
    static let kindMask: UInt8 = 0x03

    /// Limits that a decoder enforces so that damaged bytes cannot ask for huge allocations.
    public static let maxCellsPerRow = 1 << 24

    /// Appends the encoding of `row` to `writer`.
    public static func encode(_ row: Row, into writer: inout ByteWriter) {
        writer.writeUInt8(row.deletion == nil ? 0 : hasDeletionFlag)
        if let deletion = row.deletion {
            writer.writeSignedVarint(deletion.timestamp)
            writer.writeSignedVarint(deletion.localSeconds)
        }
        writer.writeVarint(UInt64(row.cells.count))
        // Each cell's fields read in place: passing a cell, even by index, copied it (a
        // reference count on its path and value).
        row.cells.withUnsafeBufferPointer { cells in
            for index in cells.indices { encodeCell(at: index, of: cells, into: &writer) }
        }
    }

    /// The encoding of `row`.
    public static func encode(_ row: Row) -> [UInt8] {
        var writer = ByteWriter(capacity: estimatedSizeBytes(row))
        encode(row, into: &writer)
        return writer.bytes
    }

    /// At least the encoded size of `row` (varints counted at their largest), to size
    /// buffers once.
    static func estimatedSizeBytes(_ row: Row) -> Int {
        var size = 24
        for index in row.cells.indices { size += row.cells[index].value.count + row.cells[index].path.count + 40 }
        return size
    }

    @inline(__always)
    private static func encodeCell(at index: Int, of cells: UnsafeBufferPointer<Cell>, into writer: inout ByteWriter) {
        encodeCell(column: cells[index].column, kind: cells[index].kind, timestamp: cells[index].timestamp,
                   ttlSeconds: cells[index].ttlSeconds, localSeconds: cells[index].localSeconds,
                   path: cells[index].path, value: cells[index].value, into: &writer)
    }

    /// Appends one cell given by its fields (see `Cell`): for writers that have no `Cell`.
    @inline(__always)
    static func encodeCell(column: UInt32, kind: Cell.Kind, timestamp: Int64, ttlSeconds: Int32, localSeconds: Int64,
                           path: [UInt8], value: [UInt8], into writer: inout ByteWriter) {
        writer.writeVarint(UInt64(column))
        writer.writeUInt8(kind.rawValue | (path.isEmpty ? 0 : hasPathFlag))
        writer.writeSignedVarint(timestamp)
        switch kind {
        case .live: break
        case .expiring:
            writer.writeVarint(UInt64(UInt32(bitPattern: ttlSeconds)))
            writer.writeSignedVarint(localSeconds)
        case .tombstone:
            writer.writeSignedVarint(localSeconds)
        }
        if !path.isEmpty { writer.writeLengthPrefixed(path) }
        if kind != .tombstone { writer.writeLengthPrefixed(value) }
    }

    /// Decodes a row whose clustering key is `clustering`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, clustering: [UInt8]) throws(DecodeError) -> Row {
        var row = Row(clustering: clustering)
        var view = try RowView(bytes)
        row.deletion = view.deletion
        row.cells.reserveCapacity(view.cellCount)
        while let cell = try view.nextCell() {
            row.cells.append(cell.materialize())
        }
        guard view.isFullyRead else { throw .malformed(offset: bytes.count, reason: "bytes after the last cell") }
        return row
    }

    /// Decodes a row from an array.
    public static func decode(_ bytes: [UInt8], clustering: [UInt8]) throws(DecodeError) -> Row {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(DecodeError) in try decode(buffer, clustering: clustering) }
        }.get()
    }
}

/// A cell read in place from encoded row bytes, without allocating.
public struct CellView {
    public var column: UInt32
    public var kind: Cell.Kind
    public var timestamp: Int64
    public var ttlSeconds: Int32
    public var localSeconds: Int64
    public var path: UnsafeRawBufferPointer
    public var value: UnsafeRawBufferPointer

    /// Whether the cell is readable at `nowSeconds`.
    @inlinable public func isLive(nowSeconds: Int64) -> Bool {
        switch kind {
        case .live: true
        case .expiring: nowSeconds < localSeconds
        case .tombstone: false
        }
    }

    /// An owned copy.
    public func materialize() -> Cell {
        Cell(column: column, path: Array(path), timestamp: timestamp, kind: kind,
             ttlSeconds: ttlSeconds, localSeconds: localSeconds, value: Array(value))
    }
}

/// Reads encoded row bytes in place: the row deletion, then the cells one at a time.
/// The bytes must outlive the view.
public struct RowView {
    var reader: ByteReader
    /// The row tombstone, if any.
    public private(set) var deletion: DeletionTime?
    /// How many cells the row holds.
    public private(set) var cellCount: Int
    var cellsRead = 0

    public init(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) {
        reader = ByteReader(bytes)
        let flags = try reader.readUInt8()
        guard flags & ~RowCodec.hasDeletionFlag == 0 else {
            throw .malformed(offset: 0, reason: "unknown row flags \(flags)")
        }
        if flags & RowCodec.hasDeletionFlag != 0 {
            deletion = DeletionTime(timestamp: try reader.readSignedVarint(),
                                    localSeconds: try reader.readSignedVarint())
        }
        cellCount = try reader.readLength(limit: min(RowCodec.maxCellsPerRow, bytes.count))
    }

    /// The next cell, or nil after the last.
    public mutating func nextCell() throws(DecodeError) -> CellView? {
        guard cellsRead < cellCount else { return nil }
        cellsRead += 1
        let columnStart = reader.offset
        let column = try reader.readVarint()
        guard column <= UInt64(UInt32.max) else {
            throw .malformed(offset: columnStart, reason: "column id \(column) out of range")
        }
        let header = try reader.readUInt8()
        guard header & ~(RowCodec.kindMask | RowCodec.hasPathFlag) == 0,
              let kind = Cell.Kind(rawValue: header & RowCodec.kindMask) else {
            throw .malformed(offset: reader.offset - 1, reason: "unknown cell header \(header)")
        }
        var cell = CellView(column: UInt32(column), kind: kind, timestamp: try reader.readSignedVarint(),
                            ttlSeconds: 0, localSeconds: 0,
                            path: UnsafeRawBufferPointer(start: nil, count: 0),
                            value: UnsafeRawBufferPointer(start: nil, count: 0))
        switch kind {
        case .live: break
        case .expiring:
            cell.ttlSeconds = Int32(truncatingIfNeeded: try reader.readVarint())
            cell.localSeconds = try reader.readSignedVarint()
        case .tombstone:
            cell.localSeconds = try reader.readSignedVarint()
        }
        if header & RowCodec.hasPathFlag != 0 {
            cell.path = try reader.readSlice(try reader.readLength(limit: reader.remaining))
        }
        if kind != .tombstone {
            cell.value = try reader.readSlice(try reader.readLength(limit: reader.remaining))
        }
        return cell
    }

    /// Whether every byte was consumed after the last cell.
    public var isFullyRead: Bool { cellsRead == cellCount && reader.isAtEnd }
}
