import NIOCore

/// A server response (v4 bodies).
public enum ResponseMessage: Sendable, Hashable {
    /// ERROR.
    case error(ErrorResponse)
    /// READY: empty body.
    case ready
    /// AUTHENTICATE: `[string]` authenticator class name.
    case authenticate(authenticator: String)
    /// SUPPORTED: `[string multimap]`; see `SupportedOptions`.
    case supported([String: [String]])
    /// RESULT.
    case result(ResultMessage)
    /// EVENT (send on stream -1).
    case event(ProtocolEvent)
    /// AUTH_CHALLENGE: `[bytes]` token.
    case authChallenge(token: [UInt8]?)
    /// AUTH_SUCCESS: `[bytes]` final token.
    case authSuccess(token: [UInt8]?)

    /// The opcode this message travels under.
    public var opcode: ProtocolOpcode {
        switch self {
        case .error: return .error
        case .ready: return .ready
        case .authenticate: return .authenticate
        case .supported: return .supported
        case .result: return .result
        case .event: return .event
        case .authChallenge: return .authChallenge
        case .authSuccess: return .authSuccess
        }
    }

    /// Appends the body (uncompressed, without tracing or warning prefixes).
    public func writeBody(into buffer: inout ByteBuffer) {
        switch self {
        case .error(let error): error.write(into: &buffer)
        case .ready: break
        case .authenticate(let authenticator): buffer.writeProtocolString(authenticator)
        case .supported(let options): buffer.writeProtocolStringMultimap(options)
        case .result(let result): result.write(into: &buffer)
        case .event(let event): event.write(into: &buffer)
        case .authChallenge(let token), .authSuccess(let token): buffer.writeProtocolBytes(token)
        }
    }

    /// Decodes a body of the given opcode; the whole body must be consumed.
    public static func readBody(opcode: ProtocolOpcode, from reader: inout ProtocolReader,
                                limits: ProtocolLimits = .default) throws(ProtocolError) -> ResponseMessage {
        let message: ResponseMessage
        switch opcode {
        case .error: message = .error(try ErrorResponse.read(from: &reader))
        case .ready: message = .ready
        case .authenticate: message = .authenticate(authenticator: try reader.readString())
        case .supported: message = .supported(try reader.readStringMultimap())
        case .result: message = .result(try ResultMessage.read(from: &reader, limits: limits))
        case .event: message = .event(try ProtocolEvent.read(from: &reader))
        case .authChallenge: message = .authChallenge(token: try reader.readBytes())
        case .authSuccess: message = .authSuccess(token: try reader.readBytes())
        default: throw .unexpectedOpcode(opcode.rawValue)
        }
        try reader.expectEnd()
        return message
    }
}
