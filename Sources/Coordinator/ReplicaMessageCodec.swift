import KVCore

/// The internode payloads of the `mutation` and `read` verbs. Layout in FORMAT.md; every
/// decoder checks lengths and counts against the bytes left, so a damaged or hostile
/// payload is a `DecodeError`, never a trap or a large allocation.
///
/// Each payload is written in the lowest version that can express it, so a node of the
/// previous release still understands everything but digest reads.
public enum ReplicaMessageCodec {
    /// The first version: every payload but the digest-read ones.
    public static let version: UInt8 = 1
    /// Adds digest reads: a read command with a flags byte, a read reply with a kind byte.
    public static let digestReadVersion: UInt8 = 2

    // MARK: Mutation

    public static func encode(_ mutation: Mutation) -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        writer.writeUInt8(version)
        write(mutation.table, to: &writer)
        write(mutation.update, to: &writer)
        return writer.bytes
    }

    public static func decodeMutation(_ bytes: [UInt8]) throws(DecodeError) -> Mutation {
        try decode(bytes) { reader throws(DecodeError) in
            Mutation(table: try readTable(&reader), update: try readUpdate(&reader))
        }
    }

    // MARK: Truncate

    public static func encode(_ table: TableID) -> [UInt8] {
        var writer = ByteWriter(capacity: 17)
        writer.writeUInt8(version)
        write(table, to: &writer)
        return writer.bytes
    }

    public static func decodeTable(_ bytes: [UInt8]) throws(DecodeError) -> TableID {
        try decode(bytes) { reader throws(DecodeError) in try readTable(&reader) }
    }

    // MARK: Read command

    static let partitionSelection: UInt8 = 0
    static let rangeSelection: UInt8 = 1
    static let hasFrom: UInt8 = 0x01
    static let hasTo: UInt8 = 0x02
    static let digestOnlyFlag: UInt8 = 0x01

    /// Version 1 for a data read (byte for byte what version 1 wrote), version 2 with the
    /// digest-only flag for a digest read.
    public static func encode(_ command: ReadCommand) -> [UInt8] {
        var writer = ByteWriter(capacity: 64)
        if command.isDigestOnly {
            writer.writeUInt8(digestReadVersion)
            writer.writeUInt8(digestOnlyFlag)
        } else {
            writer.writeUInt8(version)
        }
        write(command.table, to: &writer)
        switch command.selection {
        case let .partition(key, start, end):
            writer.writeUInt8(partitionSelection)
            writer.writeLengthPrefixed(key)
            write(start, to: &writer)
            write(end, to: &writer)
        case let .partitionRange(from, to):
            writer.writeUInt8(rangeSelection)
            writer.writeUInt8((from == nil ? 0 : hasFrom) | (to == nil ? 0 : hasTo))
            if let from { writer.writeLengthPrefixed(from) }
            if let to { writer.writeLengthPrefixed(to) }
        }
        writer.writeUInt8(command.after == nil ? 0 : 1)
        if let after = command.after {
            writer.writeLengthPrefixed(after.partitionKey)
            writer.writeLengthPrefixed(after.clustering)
        }
        writer.writeVarint(UInt64(min(max(0, command.maxLiveRows), Int(Int32.max))))
        return writer.bytes
    }

    public static func decodeReadCommand(_ bytes: [UInt8]) throws(DecodeError) -> ReadCommand {
        try decode(bytes, versions: version...digestReadVersion) { reader, found throws(DecodeError) in
            let isDigestOnly = found == version ? false : try readCommandFlags(&reader)
            let table = try readTable(&reader)
            let selection: ReadSelection
            let kindOffset = reader.offset
            switch try reader.readUInt8() {
            case partitionSelection:
                selection = .partition(key: try reader.readLengthPrefixed(), start: try readBound(&reader),
                                       end: try readBound(&reader))
            case rangeSelection:
                let flags = try reader.readUInt8()
                let from = flags & hasFrom != 0 ? try reader.readLengthPrefixed() : nil
                let to = flags & hasTo != 0 ? try reader.readLengthPrefixed() : nil
                selection = .partitionRange(from: from, to: to)
            case let other:
                throw .malformed(offset: kindOffset, reason: "unknown read selection \(other)")
            }
            var after: RowPosition?
            if try reader.readUInt8() != 0 {
                after = RowPosition(partitionKey: try reader.readLengthPrefixed(), clustering: try reader.readLengthPrefixed())
            }
            let limit = try reader.readLength(limit: Int(Int32.max))
            return ReadCommand(table: table, selection: selection, after: after, maxLiveRows: limit,
                               isDigestOnly: isDigestOnly)
        }
    }

    /// Whether a version 2 command is digest-only; unknown flags are refused, as a reader
    /// that ignored them would answer a different question than was asked.
    private static func readCommandFlags(_ reader: inout ByteReader) throws(DecodeError) -> Bool {
        let offset = reader.offset
        let flags = try reader.readUInt8()
        guard flags & ~digestOnlyFlag == 0 else { throw .malformed(offset: offset, reason: "unknown read flags \(flags)") }
        return flags & digestOnlyFlag != 0
    }

    // MARK: Read response

    static let dataReplyKind: UInt8 = 0
    static let digestReplyKind: UInt8 = 1

    /// Data in version 1 (also the canonical bytes a `ReadDigest` hashes), a digest in
    /// version 2.
    public static func encode(_ reply: ReadReply) -> [UInt8] {
        switch reply {
        case .data(let response):
            return encode(response)
        case .digest(let digest):
            var writer = ByteWriter(capacity: 18)
            writer.writeUInt8(digestReadVersion)
            writer.writeUInt8(digestReplyKind)
            writer.writeUInt64(digest.high)
            writer.writeUInt64(digest.low)
            return writer.bytes
        }
    }

    /// A data reply (version 1, or version 2 kind 0) or a digest reply (version 2 kind 1).
    public static func decodeReadReply(_ bytes: [UInt8]) throws(DecodeError) -> ReadReply {
        try decode(bytes, versions: version...digestReadVersion) { reader, found throws(DecodeError) in
            guard found == digestReadVersion else { return .data(try readResponseBody(&reader)) }
            let kindOffset = reader.offset
            switch try reader.readUInt8() {
            case dataReplyKind: return .data(try readResponseBody(&reader))
            case digestReplyKind: return .digest(ReadDigest(high: try reader.readUInt64(), low: try reader.readUInt64()))
            case let other: throw .malformed(offset: kindOffset, reason: "unknown read reply kind \(other)")
            }
        }
    }

    /// The version 1 data reply, the canonical bytes of `response`.
    public static func encode(_ response: ReadResponse) -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        writer.writeUInt8(version)
        writer.writeUInt8(response.isExhausted ? 1 : 0)
        writer.writeVarint(UInt64(response.partitions.count))
        for partition in response.partitions { write(partition, to: &writer) }
        return writer.bytes
    }

    /// A data reply; a digest reply is an error here.
    public static func decodeReadResponse(_ bytes: [UInt8]) throws(DecodeError) -> ReadResponse {
        switch try decodeReadReply(bytes) {
        case .data(let response): return response
        case .digest: throw .malformed(offset: 1, reason: "a digest reply where data was expected")
        }
    }

    private static func readResponseBody(_ reader: inout ByteReader) throws(DecodeError) -> ReadResponse {
        let exhausted = try reader.readUInt8() != 0
        let count = try reader.readLength(limit: reader.remaining)
        var partitions: [PartitionUpdate] = []
        for _ in 0..<count { partitions.append(try readUpdate(&reader)) }
        return ReadResponse(partitions: partitions, isExhausted: exhausted)
    }

    // MARK: Parts

    private static func decode<T>(_ bytes: [UInt8], _ body: (inout ByteReader) throws(DecodeError) -> T) throws(DecodeError) -> T {
        try decode(bytes, versions: version...version) { reader, _ throws(DecodeError) in try body(&reader) }
    }

    /// Decodes a payload whose version byte lies in `versions`, which `body` is told.
    static func decode<T>(_ bytes: [UInt8], versions: ClosedRange<UInt8>,
                                  _ body: (inout ByteReader, UInt8) throws(DecodeError) -> T) throws(DecodeError) -> T {
        let result = bytes.withUnsafeBytes { buffer -> Result<T, DecodeError> in
            do throws(DecodeError) {
                var reader = ByteReader(buffer)
                let found = try reader.readUInt8()
                guard versions.contains(found) else {
                    let expected = versions.count == 1 ? "\(versions.lowerBound)" : "\(versions.lowerBound)...\(versions.upperBound)"
                    throw .malformed(offset: 0, reason: "message version \(found), expected \(expected)")
                }
                let value = try body(&reader, found)
                guard reader.isAtEnd else { throw .malformed(offset: reader.offset, reason: "\(reader.remaining) trailing bytes") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    static func write(_ table: TableID, to writer: inout ByteWriter) {
        writer.writeUInt64(table.high)
        writer.writeUInt64(table.low)
    }

    static func readTable(_ reader: inout ByteReader) throws(DecodeError) -> TableID {
        TableID(high: try reader.readUInt64(), low: try reader.readUInt64())
    }

    static func write(_ update: PartitionUpdate, to writer: inout ByteWriter) {
        writer.writeLengthPrefixed(update.partitionKey)
        write(update.partitionDeletion, to: &writer)
        writer.writeVarint(UInt64(update.rangeTombstones.count))
        for range in update.rangeTombstones {
            write(range.start, to: &writer)
            write(range.end, to: &writer)
            write(range.deletion, to: &writer)
        }
        writer.writeVarint(UInt64(update.rows.count))
        for row in update.rows {
            writer.writeLengthPrefixed(row.clustering)
            write(row.deletion, to: &writer)
            writer.writeVarint(UInt64(row.cells.count))
            for cell in row.cells { write(cell, to: &writer) }
        }
    }

    static func readUpdate(_ reader: inout ByteReader) throws(DecodeError) -> PartitionUpdate {
        let key = try reader.readLengthPrefixed()
        let deletion = try readOptionalDeletion(&reader)
        var ranges: [RangeTombstone] = []
        for _ in 0..<(try reader.readLength(limit: reader.remaining)) {
            ranges.append(RangeTombstone(start: try readBound(&reader), end: try readBound(&reader),
                                         deletion: try readDeletion(&reader)))
        }
        var rows: [Row] = []
        for _ in 0..<(try reader.readLength(limit: reader.remaining)) {
            let clustering = try reader.readLengthPrefixed()
            let rowDeletion = try readOptionalDeletion(&reader)
            var cells: [Cell] = []
            for _ in 0..<(try reader.readLength(limit: reader.remaining)) { cells.append(try readCell(&reader)) }
            rows.append(Row(clustering: clustering, deletion: rowDeletion, unsortedCells: cells))
        }
        return PartitionUpdate(partitionKey: key, partitionDeletion: deletion, rangeTombstones: ranges, rows: rows)
    }

    private static func write(_ cell: Cell, to writer: inout ByteWriter) {
        writer.writeVarint(UInt64(cell.column))
        writer.writeLengthPrefixed(cell.path)
        writer.writeSignedVarint(cell.timestamp)
        writer.writeUInt8(cell.kind.rawValue)
        if cell.kind == .expiring { writer.writeSignedVarint(Int64(cell.ttlSeconds)) }
        if cell.kind != .live { writer.writeSignedVarint(cell.localSeconds) }
        writer.writeLengthPrefixed(cell.value)
    }

    private static func readCell(_ reader: inout ByteReader) throws(DecodeError) -> Cell {
        let column = try reader.readLength(limit: Int(UInt32.max))
        let path = try reader.readLengthPrefixed()
        let timestamp = try reader.readSignedVarint()
        let kindOffset = reader.offset
        guard let kind = Cell.Kind(rawValue: try reader.readUInt8()) else {
            throw .malformed(offset: kindOffset, reason: "unknown cell kind")
        }
        var ttl: Int32 = 0
        if kind == .expiring {
            let offset = reader.offset
            guard let value = Int32(exactly: try reader.readSignedVarint()) else {
                throw .malformed(offset: offset, reason: "TTL out of range")
            }
            ttl = value
        }
        let localSeconds = kind == .live ? 0 : try reader.readSignedVarint()
        return Cell(column: UInt32(column), path: path, timestamp: timestamp, kind: kind, ttlSeconds: ttl,
                    localSeconds: localSeconds, value: try reader.readLengthPrefixed())
    }

    private static func write(_ deletion: DeletionTime?, to writer: inout ByteWriter) {
        writer.writeUInt8(deletion == nil ? 0 : 1)
        if let deletion { write(deletion, to: &writer) }
    }

    private static func write(_ deletion: DeletionTime, to writer: inout ByteWriter) {
        writer.writeSignedVarint(deletion.timestamp)
        writer.writeSignedVarint(deletion.localSeconds)
    }

    private static func readOptionalDeletion(_ reader: inout ByteReader) throws(DecodeError) -> DeletionTime? {
        try reader.readUInt8() == 0 ? nil : try readDeletion(&reader)
    }

    private static func readDeletion(_ reader: inout ByteReader) throws(DecodeError) -> DeletionTime {
        DeletionTime(timestamp: try reader.readSignedVarint(), localSeconds: try reader.readSignedVarint())
    }

    private static func write(_ bound: ClusteringBound, to writer: inout ByteWriter) {
        writer.writeUInt8(bound.isInclusive ? 1 : 0)
        writer.writeLengthPrefixed(bound.prefix)
    }

    private static func readBound(_ reader: inout ByteReader) throws(DecodeError) -> ClusteringBound {
        let inclusive = try reader.readUInt8() != 0
        return ClusteringBound(prefix: try reader.readLengthPrefixed(), isInclusive: inclusive)
    }
}
