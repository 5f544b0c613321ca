import NIOCore

/// The body of a BATCH request (v4):
///
/// ```
/// [byte type][short n] n × ([byte kind] ([long string] query | [short bytes] id)
///                            [short] nvalues nvalues × [value])
/// [consistency][byte flags] ([consistency] serial if 0x10) ([long] timestamp if 0x20)
/// ```
/// Flag 0x40 (named values) is broken in the spec and never sent by drivers; it is refused.
public struct BatchRequest: Sendable, Hashable {
    /// The batch type byte.
    public enum BatchType: UInt8, Sendable, Hashable {
        case logged = 0, unlogged = 1, counter = 2
    }

    /// What one statement refers to.
    public enum StatementReference: Sendable, Hashable {
        /// Kind 0: the query text.
        case query(String)
        /// Kind 1: a prepared statement id.
        case prepared(id: [UInt8])
    }

    /// One statement of the batch and its positional values.
    public struct BatchStatement: Sendable, Hashable {
        public var reference: StatementReference
        public var values: [ProtocolValue]
        /// Creates a statement.
        public init(reference: StatementReference, values: [ProtocolValue] = []) {
            self.reference = reference
            self.values = values
        }
    }

    public var type: BatchType
    public var statements: [BatchStatement]
    public var consistency: ProtocolConsistency
    public var serialConsistency: ProtocolConsistency?
    /// Client timestamp in microseconds.
    public var defaultTimestamp: Int64?

    /// Creates a batch.
    public init(type: BatchType, statements: [BatchStatement], consistency: ProtocolConsistency,
                serialConsistency: ProtocolConsistency? = nil, defaultTimestamp: Int64? = nil) {
        self.type = type
        self.statements = statements
        self.consistency = consistency
        self.serialConsistency = serialConsistency
        self.defaultTimestamp = defaultTimestamp
    }

    /// Appends the encoded batch body.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(type.rawValue)
        buffer.writeProtocolShort(UInt16(statements.count))
        for statement in statements {
            switch statement.reference {
            case .query(let text):
                buffer.writeInteger(UInt8(0))
                buffer.writeProtocolLongString(text)
            case .prepared(let id):
                buffer.writeInteger(UInt8(1))
                buffer.writeProtocolShortBytes(id)
            }
            buffer.writeProtocolShort(UInt16(statement.values.count))
            for value in statement.values { buffer.writeProtocolValue(value) }
        }
        buffer.writeProtocolConsistency(consistency)
        var flags: UInt8 = 0
        if serialConsistency != nil { flags |= 0x10 }
        if defaultTimestamp != nil { flags |= 0x20 }
        buffer.writeInteger(flags)
        if let serialConsistency { buffer.writeProtocolConsistency(serialConsistency) }
        if let defaultTimestamp { buffer.writeProtocolLong(defaultTimestamp) }
    }

    /// Reads a batch body.
    public static func read(from reader: inout ProtocolReader) throws(ProtocolError) -> BatchRequest {
        let typeByte = try reader.readByte()
        guard let type = BatchType(rawValue: typeByte) else { throw .invalidField("batch type \(typeByte)") }
        let count = try reader.readCount(minimumElementBytes: 5)
        var statements: [BatchStatement] = []
        for _ in 0..<count { statements.append(try readStatement(from: &reader)) }
        var batch = BatchRequest(type: type, statements: statements, consistency: try reader.readConsistency())
        let flags = try reader.readByte()
        if flags & ~0x30 != 0 { throw .invalidField("unsupported batch flags \(flags)") }
        if flags & 0x10 != 0 { batch.serialConsistency = try reader.readConsistency() }
        if flags & 0x20 != 0 { batch.defaultTimestamp = try reader.readLong() }
        return batch
    }

    private static func readStatement(from reader: inout ProtocolReader) throws(ProtocolError) -> BatchStatement {
        let kind = try reader.readByte()
        let reference: StatementReference
        switch kind {
        case 0: reference = .query(try reader.readLongString())
        case 1: reference = .prepared(id: try reader.readShortBytes())
        default: throw .invalidField("batch statement kind \(kind)")
        }
        let valueCount = try reader.readCount(minimumElementBytes: 4)
        var values: [ProtocolValue] = []
        values.reserveCapacity(valueCount)
        for _ in 0..<valueCount { values.append(try reader.readValue()) }
        return BatchStatement(reference: reference, values: values)
    }
}
