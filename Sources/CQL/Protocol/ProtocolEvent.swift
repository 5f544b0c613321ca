import NIOCore

/// The event types a client may REGISTER for.
public enum ProtocolEventType: String, Sendable, Hashable, CaseIterable {
    case topologyChange = "TOPOLOGY_CHANGE"
    case statusChange = "STATUS_CHANGE"
    case schemaChange = "SCHEMA_CHANGE"
}

/// A server-pushed EVENT body (sent on stream -1 to connections that registered):
///
/// ```
/// [string] event type, then
/// TOPOLOGY_CHANGE: [string] NEW_NODE|REMOVED_NODE|MOVED_NODE [inet]
/// STATUS_CHANGE:   [string] UP|DOWN [inet]
/// SCHEMA_CHANGE:   the SchemaChange layout
/// ```
/// The `[inet]` must be the node's published native address and port.
public enum ProtocolEvent: Sendable, Hashable {
    /// A topology change.
    public enum TopologyChange: String, Sendable, Hashable, CaseIterable {
        case newNode = "NEW_NODE", removedNode = "REMOVED_NODE", movedNode = "MOVED_NODE"
    }
    /// A status change.
    public enum StatusChange: String, Sendable, Hashable, CaseIterable {
        case up = "UP", down = "DOWN"
    }

    case topologyChange(TopologyChange, ProtocolInet)
    case statusChange(StatusChange, ProtocolInet)
    case schemaChange(SchemaChange)

    /// The event's type.
    public var type: ProtocolEventType {
        switch self {
        case .topologyChange: return .topologyChange
        case .statusChange: return .statusChange
        case .schemaChange: return .schemaChange
        }
    }

    /// Appends the body.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeProtocolString(type.rawValue)
        switch self {
        case .topologyChange(let change, let address):
            buffer.writeProtocolString(change.rawValue)
            buffer.writeProtocolInet(address)
        case .statusChange(let change, let address):
            buffer.writeProtocolString(change.rawValue)
            buffer.writeProtocolInet(address)
        case .schemaChange(let change):
            change.write(into: &buffer)
        }
    }

    /// Reads a body.
    public static func read(from reader: inout ProtocolReader) throws(ProtocolError) -> ProtocolEvent {
        let typeText = try reader.readString()
        guard let type = ProtocolEventType(rawValue: typeText) else { throw .invalidField("event type \(typeText)") }
        switch type {
        case .schemaChange: return .schemaChange(try SchemaChange.read(from: &reader))
        case .topologyChange:
            let text = try reader.readString()
            guard let change = TopologyChange(rawValue: text) else { throw .invalidField("topology change \(text)") }
            return .topologyChange(change, try reader.readInet())
        case .statusChange:
            let text = try reader.readString()
            guard let change = StatusChange(rawValue: text) else { throw .invalidField("status change \(text)") }
            return .statusChange(change, try reader.readInet())
        }
    }
}
