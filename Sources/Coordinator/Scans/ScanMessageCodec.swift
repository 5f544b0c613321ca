import KVCore

/// The payloads of the `filteredScan` verb: a `ScanCommand` and its `ScanReply`. Layout in
/// FORMAT.md. Like `ReplicaMessageCodec`, every count and length is checked against the
/// bytes left and the predicate's nesting is bounded, so a damaged or hostile payload is a
/// `DecodeError`, never a trap or a large allocation.
public enum ScanMessageCodec {
    public static let version: UInt8 = 1
    /// Deepest predicate tree a command may carry.
    public static let maxPredicateDepth = 64

    private static let hasFrom: UInt8 = 0x01, hasTo: UInt8 = 0x02, hasAfter: UInt8 = 0x04
    private static let hasFilter: UInt8 = 0x08, hasColumns: UInt8 = 0x10, countOnly: UInt8 = 0x20
    private static let knownFlags: UInt8 = 0x3F

    // MARK: Command

    public static func encode(_ command: ScanCommand) -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        writer.writeUInt8(version)
        ReplicaMessageCodec.write(command.table, to: &writer)
        var flags: UInt8 = command.countOnly ? countOnly : 0
        if command.from != nil { flags |= hasFrom }
        if command.to != nil { flags |= hasTo }
        if command.after != nil { flags |= hasAfter }
        if command.filter != nil { flags |= hasFilter }
        if command.columns != nil { flags |= hasColumns }
        writer.writeUInt8(flags)
        if let from = command.from { writer.writeLengthPrefixed(from) }
        if let to = command.to { writer.writeLengthPrefixed(to) }
        if let after = command.after {
            writer.writeLengthPrefixed(after.partitionKey)
            writer.writeLengthPrefixed(after.clustering)
        }
        writer.writeVarint(UInt64(command.keyLayout.partitionKeyCount))
        writer.writeVarint(UInt64(command.keyLayout.clusteringTypes.count))
        for (type, order) in zip(command.keyLayout.clusteringTypes, command.keyLayout.clusteringOrders) {
            type.encode(into: &writer)
            writer.writeUInt8(order == .descending ? 1 : 0)
        }
        if let filter = command.filter { write(filter, to: &writer) }
        if let columns = command.columns {
            writer.writeVarint(UInt64(columns.count))
            for column in columns { writer.writeVarint(UInt64(column)) }
        }
        writer.writeVarint(UInt64(clamping: max(0, command.maxMatchedRows)))
        writer.writeVarint(UInt64(clamping: max(0, command.maxScannedRows)))
        return writer.bytes
    }

    public static func decodeCommand(_ bytes: [UInt8]) throws(DecodeError) -> ScanCommand {
        try ReplicaMessageCodec.decode(bytes, versions: version...version) { reader, _ throws(DecodeError) in
            let table = try ReplicaMessageCodec.readTable(&reader)
            let flagsOffset = reader.offset
            let flags = try reader.readUInt8()
            guard flags & ~knownFlags == 0 else { throw .malformed(offset: flagsOffset, reason: "unknown scan flags \(flags)") }
            let from = flags & hasFrom != 0 ? try reader.readLengthPrefixed() : nil
            let to = flags & hasTo != 0 ? try reader.readLengthPrefixed() : nil
            var after: RowPosition?
            if flags & hasAfter != 0 {
                after = RowPosition(partitionKey: try reader.readLengthPrefixed(), clustering: try reader.readLengthPrefixed())
            }
            let partitionKeyCount = try reader.readLength(limit: reader.remaining + 1)
            var types: [CQLDataType] = [], orders: [ClusteringOrder] = []
            for _ in 0..<(try reader.readLength(limit: reader.remaining)) {
                types.append(try CQLDataType.decode(from: &reader))
                orders.append(try reader.readUInt8() == 0 ? .ascending : .descending)
            }
            let filter = flags & hasFilter != 0 ? try readPredicate(&reader, depth: 0) : nil
            var columns: [UInt32]?
            if flags & hasColumns != 0 {
                var ids: [UInt32] = []
                for _ in 0..<(try reader.readLength(limit: reader.remaining)) { ids.append(try readColumnID(&reader)) }
                columns = ids
            }
            let maxMatched = try reader.readLength(limit: Int.max)
            let maxScanned = try reader.readLength(limit: Int.max)
            return ScanCommand(table: table, from: from, to: to, after: after, filter: filter,
                               keyLayout: ScanKeyLayout(partitionKeyCount: partitionKeyCount, clusteringTypes: types,
                                                        clusteringOrders: orders),
                               columns: columns, countOnly: flags & countOnly != 0,
                               maxMatchedRows: maxMatched, maxScannedRows: maxScanned)
        }
    }

    // MARK: Reply

    public static func encode(_ reply: ScanReply) -> [UInt8] {
        var writer = ByteWriter(capacity: 256)
        writer.writeUInt8(version)
        writer.writeUInt8(reply.resumeAfter == nil ? 0 : 1)
        if let resume = reply.resumeAfter {
            writer.writeLengthPrefixed(resume.partitionKey)
            writer.writeLengthPrefixed(resume.clustering)
        }
        writer.writeVarint(UInt64(reply.matchedCount))
        for value in [reply.statistics.rowsScanned, reply.statistics.rowsMatched, reply.statistics.blocksSkipped,
                      reply.statistics.bytesRead] {
            writer.writeVarint(UInt64(value))
        }
        writer.writeVarint(UInt64(reply.partitions.count))
        for partition in reply.partitions { ReplicaMessageCodec.write(partition, to: &writer) }
        return writer.bytes
    }

    public static func decodeReply(_ bytes: [UInt8]) throws(DecodeError) -> ScanReply {
        try ReplicaMessageCodec.decode(bytes, versions: version...version) { reader, _ throws(DecodeError) in
            var resume: RowPosition?
            if try reader.readUInt8() != 0 {
                resume = RowPosition(partitionKey: try reader.readLengthPrefixed(), clustering: try reader.readLengthPrefixed())
            }
            let matched = try reader.readLength(limit: Int.max)
            let statistics = ScanStatistics(rowsScanned: try reader.readLength(limit: Int.max),
                                            rowsMatched: try reader.readLength(limit: Int.max),
                                            blocksSkipped: try reader.readLength(limit: Int.max),
                                            bytesRead: try reader.readLength(limit: Int.max))
            var partitions: [PartitionUpdate] = []
            for _ in 0..<(try reader.readLength(limit: reader.remaining)) {
                partitions.append(try ReplicaMessageCodec.readUpdate(&reader))
            }
            return ScanReply(partitions: partitions, matchedCount: matched, resumeAfter: resume, statistics: statistics)
        }
    }

    // MARK: Predicate

    private static let testNode: UInt8 = 0, andNode: UInt8 = 1, orNode: UInt8 = 2, notNode: UInt8 = 3
    private static let compareTest: UInt8 = 0, inTest: UInt8 = 1, containsTest: UInt8 = 2
    private static let containsKeyTest: UInt8 = 3, isNullTest: UInt8 = 4, isNotNullTest: UInt8 = 5

    static func write(_ predicate: RowPredicate, to writer: inout ByteWriter) {
        switch predicate {
        case .test(let test):
            writer.writeUInt8(testNode)
            write(test, to: &writer)
        case .and(let operands), .or(let operands):
            if case .and = predicate { writer.writeUInt8(andNode) } else { writer.writeUInt8(orNode) }
            writer.writeVarint(UInt64(operands.count))
            for operand in operands { write(operand, to: &writer) }
        case .not(let operand):
            writer.writeUInt8(notNode)
            write(operand, to: &writer)
        }
    }

    static func readPredicate(_ reader: inout ByteReader, depth: Int) throws(DecodeError) -> RowPredicate {
        guard depth < maxPredicateDepth else {
            throw .malformed(offset: reader.offset, reason: "filter nested deeper than \(maxPredicateDepth)")
        }
        let offset = reader.offset
        switch try reader.readUInt8() {
        case testNode: return .test(try readTest(&reader))
        case let kind where kind == andNode || kind == orNode:
            var operands: [RowPredicate] = []
            for _ in 0..<(try reader.readLength(limit: reader.remaining)) {
                operands.append(try readPredicate(&reader, depth: depth + 1))
            }
            return kind == andNode ? .and(operands) : .or(operands)
        case notNode: return .not(try readPredicate(&reader, depth: depth + 1))
        case let other: throw .malformed(offset: offset, reason: "unknown filter node \(other)")
        }
    }

    private static func write(_ test: ColumnTest, to writer: inout ByteWriter) {
        writer.writeVarint(UInt64(test.column.id))
        writer.writeUInt8(test.column.kind.rawValue)
        writer.writeVarint(UInt64(test.column.position))
        test.column.type.encode(into: &writer)
        writer.writeUInt8(test.mapKey == nil ? 0 : 1)
        if let key = test.mapKey { writer.writeLengthPrefixed(key) }
        test.type.encode(into: &writer)
        switch test.test {
        case let .compare(op, operand):
            writer.writeUInt8(compareTest)
            writer.writeUInt8(op.rawValue)
            writer.writeUInt8(operand == nil ? 0 : 1)
            if let operand { writer.writeLengthPrefixed(operand) }
        case .in(let operands):
            writer.writeUInt8(inTest)
            writer.writeVarint(UInt64(operands.count))
            for operand in operands { writer.writeLengthPrefixed(operand) }
        case .contains(let element):
            writer.writeUInt8(containsTest)
            writer.writeLengthPrefixed(element)
        case .containsKey(let key):
            writer.writeUInt8(containsKeyTest)
            writer.writeLengthPrefixed(key)
        case .isNull: writer.writeUInt8(isNullTest)
        case .isNotNull: writer.writeUInt8(isNotNullTest)
        }
    }

    private static func readTest(_ reader: inout ByteReader) throws(DecodeError) -> ColumnTest {
        let id = try readColumnID(&reader)
        let kindOffset = reader.offset
        guard let kind = PredicateColumn.Kind(rawValue: try reader.readUInt8()) else {
            throw .malformed(offset: kindOffset, reason: "unknown column kind")
        }
        let position = try reader.readLength(limit: Int(UInt16.max))
        let column = PredicateColumn(id: id, kind: kind, position: position, type: try CQLDataType.decode(from: &reader))
        let mapKey = try reader.readUInt8() != 0 ? try reader.readLengthPrefixed() : nil
        let type = try CQLDataType.decode(from: &reader)
        let testOffset = reader.offset
        let test: ColumnTest.Test
        switch try reader.readUInt8() {
        case compareTest:
            let opOffset = reader.offset
            guard let op = ComparisonOperator(rawValue: try reader.readUInt8()) else {
                throw .malformed(offset: opOffset, reason: "unknown comparison operator")
            }
            test = .compare(op, try reader.readUInt8() != 0 ? try reader.readLengthPrefixed() : nil)
        case inTest:
            var operands: [[UInt8]] = []
            for _ in 0..<(try reader.readLength(limit: reader.remaining)) { operands.append(try reader.readLengthPrefixed()) }
            test = .in(operands)
        case containsTest: test = .contains(try reader.readLengthPrefixed())
        case containsKeyTest: test = .containsKey(try reader.readLengthPrefixed())
        case isNullTest: test = .isNull
        case isNotNullTest: test = .isNotNull
        case let other: throw .malformed(offset: testOffset, reason: "unknown filter test \(other)")
        }
        return ColumnTest(column: column, mapKey: mapKey, type: type, test: test)
    }

    private static func readColumnID(_ reader: inout ByteReader) throws(DecodeError) -> UInt32 {
        let offset = reader.offset
        let id = try reader.readVarint()
        guard id <= UInt64(UInt32.max) else { throw .malformed(offset: offset, reason: "column id \(id) out of range") }
        return UInt32(id)
    }
}
