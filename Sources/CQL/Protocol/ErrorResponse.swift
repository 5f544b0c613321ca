import NIOCore

/// An ERROR body: `[int] code`, `[string] message`, then the code's tail (v4 layouts).
///
/// The Python driver parses the tail strictly, so each case writes exactly its fields.
/// Bad or unknown CQL must be `.syntaxError`/`.invalid`, never `.protocolError`: a 0x000A reply
/// to a normal request makes the driver drop the connection.
public struct ErrorResponse: Sendable, Hashable, Error {
    /// The error kind and its code-specific tail.
    public var detail: ErrorDetail
    /// The human-readable message.
    public var message: String

    /// Creates an error response.
    public init(_ detail: ErrorDetail, message: String) {
        self.detail = detail
        self.message = message
    }

    /// The `[int]` code.
    public var code: Int32 { detail.code }

    /// A protocol error (0x000A) answering a codec failure.
    public init(protocolError: ProtocolError) {
        self.init(.protocolError, message: protocolError.clientMessage)
    }

    /// Appends the body.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeProtocolInt(code)
        buffer.writeProtocolString(message)
        detail.writeTail(into: &buffer)
    }

    /// Reads a body.
    public static func read(from reader: inout ProtocolReader) throws(ProtocolError) -> ErrorResponse {
        let code = try reader.readInt()
        let message = try reader.readString()
        return ErrorResponse(try ErrorDetail.readTail(code: code, from: &reader), message: message)
    }
}
