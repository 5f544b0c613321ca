import NIOCore

/// A column type as the protocol's `[option]` describes it: a `[short]` id and, for custom,
/// collection, UDT and tuple types, a type-specific tail.
public indirect enum DataTypeOption: Sendable, Hashable {
    /// 0x0000: a server-side class name (v4 sends `duration` this way).
    case custom(String)
    case ascii, bigint, blob, boolean, counter, decimal, double, float, int, timestamp, uuid
    /// 0x000D; the legacy 0x000A id decodes to this too.
    case varchar
    case varint, timeuuid, inet, date, time, smallint, tinyint
    /// 0x0020.
    case list(DataTypeOption)
    /// 0x0021.
    case map(key: DataTypeOption, value: DataTypeOption)
    /// 0x0022.
    case set(DataTypeOption)
    /// 0x0030: keyspace, type name, and the fields in order.
    case userDefined(keyspace: String, name: String, fields: [UserTypeField])
    /// 0x0031.
    case tuple([DataTypeOption])

    /// One field of a user-defined type.
    public struct UserTypeField: Sendable, Hashable {
        /// The field name.
        public var name: String
        /// The field type.
        public var type: DataTypeOption
        /// Creates a field.
        public init(name: String, type: DataTypeOption) {
            self.name = name
            self.type = type
        }
    }

    private static let simpleByID: [UInt16: DataTypeOption] = [
        0x01: .ascii, 0x02: .bigint, 0x03: .blob, 0x04: .boolean, 0x05: .counter,
        0x06: .decimal, 0x07: .double, 0x08: .float, 0x09: .int, 0x0A: .varchar,
        0x0B: .timestamp, 0x0C: .uuid, 0x0D: .varchar, 0x0E: .varint, 0x0F: .timeuuid,
        0x10: .inet, 0x11: .date, 0x12: .time, 0x13: .smallint, 0x14: .tinyint,
    ]

    /// The `[short]` id written for this type.
    public var typeID: UInt16 {
        switch self {
        case .custom: return 0x00
        case .ascii: return 0x01
        case .bigint: return 0x02
        case .blob: return 0x03
        case .boolean: return 0x04
        case .counter: return 0x05
        case .decimal: return 0x06
        case .double: return 0x07
        case .float: return 0x08
        case .int: return 0x09
        case .timestamp: return 0x0B
        case .uuid: return 0x0C
        case .varchar: return 0x0D
        case .varint: return 0x0E
        case .timeuuid: return 0x0F
        case .inet: return 0x10
        case .date: return 0x11
        case .time: return 0x12
        case .smallint: return 0x13
        case .tinyint: return 0x14
        case .list: return 0x20
        case .map: return 0x21
        case .set: return 0x22
        case .userDefined: return 0x30
        case .tuple: return 0x31
        }
    }

    /// Appends this `[option]`.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeProtocolShort(typeID)
        switch self {
        case .custom(let className): buffer.writeProtocolString(className)
        case .list(let element), .set(let element): element.write(into: &buffer)
        case .map(let key, let value):
            key.write(into: &buffer)
            value.write(into: &buffer)
        case .userDefined(let keyspace, let name, let fields):
            buffer.writeProtocolString(keyspace)
            buffer.writeProtocolString(name)
            buffer.writeProtocolShort(UInt16(fields.count))
            for field in fields {
                buffer.writeProtocolString(field.name)
                field.type.write(into: &buffer)
            }
        case .tuple(let elements):
            buffer.writeProtocolShort(UInt16(elements.count))
            for element in elements { element.write(into: &buffer) }
        default:
            break
        }
    }

    /// Reads an `[option]`, refusing nesting deeper than `depthLimit`.
    public static func read(from reader: inout ProtocolReader,
                            depthLimit: Int = ProtocolLimits.default.maxTypeNestingDepth)
        throws(ProtocolError) -> DataTypeOption {
        guard depthLimit > 0 else { throw .typeNestingTooDeep }
        let id = try reader.readShort()
        if let simple = simpleByID[id] { return simple }
        let inner = depthLimit - 1
        switch id {
        case 0x00: return .custom(try reader.readString())
        case 0x20: return .list(try read(from: &reader, depthLimit: inner))
        case 0x21:
            let key = try read(from: &reader, depthLimit: inner)
            return .map(key: key, value: try read(from: &reader, depthLimit: inner))
        case 0x22: return .set(try read(from: &reader, depthLimit: inner))
        case 0x30: return try readUserDefined(from: &reader, depthLimit: inner)
        case 0x31:
            let count = try reader.readCount(minimumElementBytes: 2)
            var elements: [DataTypeOption] = []
            for _ in 0..<count { elements.append(try read(from: &reader, depthLimit: inner)) }
            return .tuple(elements)
        default: throw .unknownTypeID(id)
        }
    }

    private static func readUserDefined(from reader: inout ProtocolReader, depthLimit: Int)
        throws(ProtocolError) -> DataTypeOption {
        let keyspace = try reader.readString()
        let name = try reader.readString()
        let count = try reader.readCount(minimumElementBytes: 4)
        var fields: [UserTypeField] = []
        for _ in 0..<count {
            let fieldName = try reader.readString()
            fields.append(UserTypeField(name: fieldName, type: try read(from: &reader, depthLimit: depthLimit)))
        }
        return .userDefined(keyspace: keyspace, name: name, fields: fields)
    }
}
