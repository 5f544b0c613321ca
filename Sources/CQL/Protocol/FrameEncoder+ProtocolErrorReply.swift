import NIOCore

extension FrameEncoder {
    /// The bytes to send for a codec failure, or nil when nothing should be sent (the first
    /// bytes were not CQL: close silently).
    ///
    /// - Parameters:
    ///   - error: what `FrameDecoder` or `RequestDecoder` threw.
    ///   - frameStreamID: the stream of the frame being decoded, for body errors (frame-level
    ///     errors carry their own; 0 if neither is known).
    /// - Returns: an ERROR 0x000A frame; for an unsupported version, in a version that client
    ///   reads. After a reply to an error whose `isFatalToConnection` is true, close.
    public func protocolErrorReply(for error: ProtocolError, frameStreamID: Int16? = nil) -> ByteBuffer? {
        switch error {
        case .notCQLFrame:
            return nil
        case .unsupportedVersion(let request):
            return Self.unsupportedVersionReply(for: request)
        default:
            var output = ByteBuffer()
            encodeResponse(.error(ErrorResponse(protocolError: error)),
                           streamID: error.streamID ?? frameStreamID ?? 0, into: &output)
            return output
        }
    }
}
