import KVCore

/// The durable description of a store: which tables exist, with which options, which
/// SSTables make up each table's live set and at which level, and where each table's
/// commit-log replay starts. Rewritten whole (it is small) on every change: written to a
/// temporary file, synced, renamed over `MANIFEST`, directory synced. Layout in FORMAT.md.
struct Manifest: Sendable, Equatable {
    struct FileEntry: Sendable, Equatable {
        var fileNumber: UInt64
        var level: Int
    }

    struct TableEntry: Sendable, Equatable {
        var id: TableID
        var options: TableOptions
        /// Records of this table ending at or before this position are in SSTables
        /// (or were truncated away); replay skips them.
        var replayAfter: CommitLogPosition
        var files: [FileEntry]
    }

    static let magic: UInt32 = 0x464D_564B  // "KVMF" little-endian
    static let version: UInt8 = 1

    var nextFileNumber: UInt64 = 1
    var tables: [TableEntry] = []

    func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        writer.writeUInt32(Self.magic)
        writer.writeUInt8(Self.version)
        writer.writeVarint(nextFileNumber)
        writer.writeVarint(UInt64(tables.count))
        for table in tables { Self.encode(table, into: &writer) }
        writer.writeUInt32(CRC32C.mask(CRC32C.checksum(writer.bytes)))
        return writer.bytes
    }

    private static func encode(_ table: TableEntry, into writer: inout ByteWriter) {
        writer.writeUInt64(table.id.high)
        writer.writeUInt64(table.id.low)
        encode(table.options, into: &writer)
        writer.writeVarint(table.replayAfter.segment)
        writer.writeVarint(UInt64(table.replayAfter.offset))
        writer.writeVarint(UInt64(table.files.count))
        for file in table.files {
            writer.writeVarint(file.fileNumber)
            writer.writeVarint(UInt64(file.level))
        }
    }

    private static func encode(_ options: TableOptions, into writer: inout ByteWriter) {
        switch options.compaction {
        case let .sizeTiered(minThreshold, maxThreshold, bucketLow, bucketHigh):
            writer.writeUInt8(0)
            writer.writeVarint(UInt64(minThreshold))
            writer.writeVarint(UInt64(maxThreshold))
            writer.writeUInt64(bucketLow.bitPattern)
            writer.writeUInt64(bucketHigh.bitPattern)
        case let .leveled(targetFileSizeBytes, levelOneSizeBytes, fanout, levelZeroTrigger):
            writer.writeUInt8(1)
            writer.writeVarint(UInt64(targetFileSizeBytes))
            writer.writeVarint(UInt64(levelOneSizeBytes))
            writer.writeVarint(UInt64(fanout))
            writer.writeVarint(UInt64(levelZeroTrigger))
        }
        writer.writeSignedVarint(options.gcGraceSeconds)
        let sstable = options.sstable
        writer.writeVarint(UInt64(sstable.blockSizeBytes))
        writer.writeVarint(UInt64(sstable.restartInterval))
        writer.writeVarint(UInt64(sstable.bloomBitsPerKey))
        writer.writeUInt8(sstable.compression.rawValue)
        writer.writeVarint(UInt64(sstable.columnOrderings.count))
        for (column, ordering) in sstable.columnOrderings.sorted(by: { $0.key < $1.key }) {
            writer.writeVarint(UInt64(column))
            writer.writeUInt8(ordering.rawValue)
        }
    }

    /// Decodes and checks a manifest; `path` names the file in errors.
    static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> Manifest {
        guard bytes.count >= 9 else { throw .corruption(file: path, offset: 0, reason: "manifest too short") }
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self) }
        let actual = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[..<(bytes.count - 4)])) }
        guard CRC32C.unmask(UInt32(littleEndian: stored)) == actual else {
            throw .corruption(file: path, offset: bytes.count - 4, reason: "manifest checksum mismatch")
        }
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(DecodeError) in
                try decodeBody(UnsafeRawBufferPointer(rebasing: buffer[..<(bytes.count - 4)]))
            }
        }
        switch result {
        case .success(let manifest): return manifest
        case .failure(let error): throw .corruption(file: path, offset: error.offset, reason: error.description)
        }
    }

    private static func decodeBody(_ buffer: UnsafeRawBufferPointer) throws(DecodeError) -> Manifest {
        var reader = ByteReader(buffer)
        guard try reader.readUInt32() == magic else { throw .malformed(offset: 0, reason: "not a manifest (bad magic)") }
        let version = try reader.readUInt8()
        guard version == Self.version else { throw .malformed(offset: 4, reason: "unknown manifest version \(version)") }
        var manifest = Manifest(nextFileNumber: try reader.readVarint())
        let tableCount = try reader.readLength(limit: reader.remaining)
        for _ in 0..<tableCount { manifest.tables.append(try decodeTable(&reader)) }
        guard reader.isAtEnd else { throw .malformed(offset: reader.offset, reason: "trailing bytes") }
        return manifest
    }

    private static func decodeTable(_ reader: inout ByteReader) throws(DecodeError) -> TableEntry {
        let id = TableID(high: try reader.readUInt64(), low: try reader.readUInt64())
        let options = try decodeOptions(&reader)
        let segment = try reader.readVarint()
        let offset = try reader.readLength(limit: Int.max)
        let fileCount = try reader.readLength(limit: reader.remaining)
        var files: [FileEntry] = []
        for _ in 0..<fileCount {
            files.append(FileEntry(fileNumber: try reader.readVarint(), level: try reader.readLength(limit: 64)))
        }
        return TableEntry(id: id, options: options, replayAfter: CommitLogPosition(segment: segment, offset: offset),
                          files: files)
    }

    private static func decodeOptions(_ reader: inout ByteReader) throws(DecodeError) -> TableOptions {
        var options = TableOptions()
        switch try reader.readUInt8() {
        case 0:
            options.compaction = .sizeTiered(
                minThreshold: try reader.readLength(limit: 1 << 20), maxThreshold: try reader.readLength(limit: 1 << 20),
                bucketLow: Double(bitPattern: try reader.readUInt64()), bucketHigh: Double(bitPattern: try reader.readUInt64()))
        case 1:
            options.compaction = .leveled(
                targetFileSizeBytes: try reader.readLength(limit: Int.max), levelOneSizeBytes: try reader.readLength(limit: Int.max),
                fanout: try reader.readLength(limit: 1 << 20), levelZeroTrigger: try reader.readLength(limit: 1 << 20))
        case let other:
            throw .malformed(offset: reader.offset - 1, reason: "unknown compaction strategy \(other)")
        }
        options.gcGraceSeconds = try reader.readSignedVarint()
        options.sstable.blockSizeBytes = try reader.readLength(limit: 1 << 30)
        options.sstable.restartInterval = try reader.readLength(limit: 1 << 20)
        options.sstable.bloomBitsPerKey = try reader.readLength(limit: 64)
        let compression = try reader.readUInt8()
        guard let kind = SSTableCompression(rawValue: compression) else {
            throw .malformed(offset: reader.offset - 1, reason: "unknown compression \(compression)")
        }
        options.sstable.compression = kind
        let orderingCount = try reader.readLength(limit: reader.remaining)
        for _ in 0..<orderingCount {
            let column = try reader.readVarint()
            let raw = try reader.readUInt8()
            guard column <= UInt64(UInt32.max), let ordering = ValueOrdering(rawValue: raw) else {
                throw .malformed(offset: reader.offset - 1, reason: "bad column ordering")
            }
            options.sstable.columnOrderings[UInt32(column)] = ordering
        }
        return options
    }
}
