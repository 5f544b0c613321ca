/// Why the codec refused some bytes. Never a trap: every malformed input maps to one of these.
///
/// The server answers most of them with an ERROR 0x000A (Protocol error) on the offending stream
/// and, for the frame-level ones (`isFatalToConnection`), then closes the connection.
public enum ProtocolError: Error, Sendable, Equatable {
    /// The body ended before a field of `neededBytes` could be read (`remainingBytes` were left).
    case truncated(neededBytes: Int, remainingBytes: Int)
    /// A length prefix was negative where the notation forbids it.
    case negativeLength(Int)
    /// A `[value]` length below -2.
    case invalidValueLength(Int32)
    /// A `[string]` or `[long string]` was not valid UTF-8.
    case invalidUTF8
    /// A `[consistency]` outside 0...10.
    case unknownConsistency(UInt16)
    /// An `[option]` id this protocol version does not define.
    case unknownTypeID(UInt16)
    /// Collection/tuple/UDT types nested deeper than `ProtocolLimits.maxTypeNestingDepth`.
    case typeNestingTooDeep
    /// An `[inet]` address size other than 4 or 16.
    case invalidInetSize(UInt8)
    /// The header announced a body longer than the limit; checked before buffering the body.
    case frameTooLarge(streamID: Int16, bodyBytes: Int, limitBytes: Int)
    /// The header's length field was negative.
    case negativeFrameLength(streamID: Int16, length: Int32)
    /// The client spoke a version we do not serve. Answer with
    /// `FrameEncoder.unsupportedVersionReply(for:)`, which is readable by that client.
    case unsupportedVersion(UnsupportedVersionRequest)
    /// The first byte cannot start a CQL frame (for example 0x16, a TLS ClientHello): close.
    case notCQLFrame(firstByte: UInt8)
    /// A request frame had the response direction bit set.
    case wrongDirection(streamID: Int16)
    /// An opcode that is not a request opcode (or not known at all).
    case unexpectedOpcode(UInt8)
    /// The compression flag was set but no compression was negotiated in STARTUP.
    case compressionNotNegotiated
    /// STARTUP asked for a compression we do not offer.
    case unsupportedCompression(String)
    /// The LZ4 body claimed more uncompressed bytes than the limit allows.
    case uncompressedBodyTooLarge(claimedBytes: Int, limitBytes: Int)
    /// The LZ4 block did not decompress to exactly its announced length.
    case decompressionFailed
    /// A field held a value the notation does not allow (bad enum string, bad flag...).
    case invalidField(String)
    /// The body held bytes after the message ended.
    case trailingBytes(Int)

    /// Frame-level errors after which the byte stream cannot be resynchronised: reply if
    /// possible, then close the connection.
    public var isFatalToConnection: Bool {
        switch self {
        case .frameTooLarge, .negativeFrameLength, .unsupportedVersion, .notCQLFrame,
             .wrongDirection:
            return true
        default:
            return false
        }
    }

    /// The stream id a frame-level error belongs to, when the header got that far; body errors
    /// belong to the stream of the frame being decoded, which the caller knows.
    public var streamID: Int16? {
        switch self {
        case .frameTooLarge(let streamID, _, _), .negativeFrameLength(let streamID, _),
             .wrongDirection(let streamID):
            return streamID
        case .unsupportedVersion(let request):
            return request.streamID
        default:
            return nil
        }
    }

    /// A human-readable message for the ERROR frame sent back to the client.
    public var clientMessage: String {
        switch self {
        case .truncated(let needed, let remaining):
            return "Malformed message: needed \(needed) bytes, \(remaining) remain"
        case .negativeLength(let length): return "Malformed message: negative length \(length)"
        case .invalidValueLength(let length): return "Invalid [value] length \(length)"
        case .invalidUTF8: return "Malformed message: invalid UTF-8 in a string"
        case .unknownConsistency(let code): return "Unknown consistency level \(code)"
        case .unknownTypeID(let id): return "Unknown type id \(id)"
        case .typeNestingTooDeep: return "Type nesting too deep"
        case .invalidInetSize(let size): return "Invalid inet address size \(size)"
        case .frameTooLarge(_, let bodyBytes, let limitBytes):
            return "Request is too big: length \(bodyBytes) exceeds maximum allowed length \(limitBytes)"
        case .negativeFrameLength(_, let length): return "Invalid frame body length \(length)"
        case .unsupportedVersion(let request): return request.message
        case .notCQLFrame(let byte): return "Not a CQL frame (first byte \(byte))"
        case .wrongDirection: return "Frame has the response direction bit set"
        case .unexpectedOpcode(let opcode): return "Unexpected opcode \(opcode) for a request"
        case .compressionNotNegotiated:
            return "Received a compressed frame but no compression was negotiated"
        case .unsupportedCompression(let name): return "Unknown compression algorithm: \(name)"
        case .uncompressedBodyTooLarge(let claimed, let limit):
            return "Compressed body claims \(claimed) bytes, over the limit of \(limit)"
        case .decompressionFailed: return "Corrupt LZ4 compressed body"
        case .invalidField(let text): return "Malformed message: \(text)"
        case .trailingBytes(let count): return "Malformed message: \(count) unexpected trailing bytes"
        }
    }
}
