import NIOCore

/// A decoded client request (v4 bodies).
public enum RequestMessage: Sendable, Hashable {
    /// STARTUP: the options map (`CQL_VERSION` required by the spec, `COMPRESSION` optional,
    /// driver keys ignored).
    case startup(options: [String: String])
    /// OPTIONS: asks for SUPPORTED.
    case options
    /// QUERY: `[long string]` then query parameters.
    case query(String, QueryParameters)
    /// PREPARE: `[long string]`.
    case prepare(String)
    /// EXECUTE: `[short bytes]` id then query parameters.
    case execute(id: [UInt8], QueryParameters)
    /// BATCH.
    case batch(BatchRequest)
    /// REGISTER: `[string list]` of event types.
    case register(eventTypes: [ProtocolEventType])
    /// AUTH_RESPONSE: `[bytes]` token (nil for a null token).
    case authResponse(token: [UInt8]?)

    /// The opcode this message travels under.
    public var opcode: ProtocolOpcode {
        switch self {
        case .startup: return .startup
        case .options: return .options
        case .query: return .query
        case .prepare: return .prepare
        case .execute: return .execute
        case .batch: return .batch
        case .register: return .register
        case .authResponse: return .authResponse
        }
    }

    /// Appends the body (uncompressed, without tracing or payload prefixes).
    public func writeBody(into buffer: inout ByteBuffer) {
        switch self {
        case .startup(let options): buffer.writeProtocolStringMap(options)
        case .options: break
        case .query(let text, let parameters):
            buffer.writeProtocolLongString(text)
            parameters.write(into: &buffer)
        case .prepare(let text): buffer.writeProtocolLongString(text)
        case .execute(let id, let parameters):
            buffer.writeProtocolShortBytes(id)
            parameters.write(into: &buffer)
        case .batch(let batch): batch.write(into: &buffer)
        case .register(let types): buffer.writeProtocolStringList(types.map(\.rawValue))
        case .authResponse(let token): buffer.writeProtocolBytes(token)
        }
    }

    /// Decodes a body of the given opcode; the whole body must be consumed.
    public static func readBody(opcode: ProtocolOpcode, from reader: inout ProtocolReader)
        throws(ProtocolError) -> RequestMessage {
        let message = try readFields(opcode: opcode, from: &reader)
        try reader.expectEnd()
        return message
    }

    private static func readFields(opcode: ProtocolOpcode, from reader: inout ProtocolReader)
        throws(ProtocolError) -> RequestMessage {
        switch opcode {
        case .startup: return .startup(options: try reader.readStringMap())
        case .options: return .options
        case .query:
            let text = try reader.readLongString()
            return .query(text, try QueryParameters.read(from: &reader))
        case .prepare: return .prepare(try reader.readLongString())
        case .execute:
            let id = try reader.readShortBytes()
            return .execute(id: id, try QueryParameters.read(from: &reader))
        case .batch: return .batch(try BatchRequest.read(from: &reader))
        case .register: return .register(eventTypes: try readEventTypes(from: &reader))
        case .authResponse: return .authResponse(token: try reader.readBytes())
        default: throw .unexpectedOpcode(opcode.rawValue)
        }
    }

    private static func readEventTypes(from reader: inout ProtocolReader) throws(ProtocolError) -> [ProtocolEventType] {
        var types: [ProtocolEventType] = []
        for name in try reader.readStringList() {
            guard let type = ProtocolEventType(rawValue: name) else {
                throw .invalidField("unknown event type \(name)")
            }
            types.append(type)
        }
        return types
    }
}
