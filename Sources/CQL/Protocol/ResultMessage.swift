import NIOCore

/// A RESULT body: `[int] kind` then the kind's layout.
public enum ResultMessage: Sendable, Hashable {
    /// Kind 1: no content.
    case void
    /// Kind 2: metadata, `[int] rows_count`, then each row as columns × `[bytes]`.
    case rows(RowsResult)
    /// Kind 3: the keyspace a `USE` switched to.
    case setKeyspace(String)
    /// Kind 4.
    case prepared(PreparedResult)
    /// Kind 5.
    case schemaChange(SchemaChange)

    /// The `[int]` kind.
    public var kind: Int32 {
        switch self {
        case .void: return 1
        case .rows: return 2
        case .setKeyspace: return 3
        case .prepared: return 4
        case .schemaChange: return 5
        }
    }

    /// Appends the body.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeProtocolInt(kind)
        switch self {
        case .void: break
        case .rows(let rows): rows.write(into: &buffer)
        case .setKeyspace(let keyspace): buffer.writeProtocolString(keyspace)
        case .prepared(let prepared): prepared.write(into: &buffer)
        case .schemaChange(let change): change.write(into: &buffer)
        }
    }

    /// Reads a body.
    public static func read(from reader: inout ProtocolReader, limits: ProtocolLimits = .default)
        throws(ProtocolError) -> ResultMessage {
        let kind = try reader.readInt()
        switch kind {
        case 1: return .void
        case 2: return .rows(try RowsResult.read(from: &reader, limits: limits))
        case 3: return .setKeyspace(try reader.readString())
        case 4: return .prepared(try PreparedResult.read(from: &reader, limits: limits))
        case 5: return .schemaChange(try SchemaChange.read(from: &reader))
        default: throw .invalidField("result kind \(kind)")
        }
    }
}
