/// A frame in a protocol version we do not serve, described well enough to answer it.
///
/// Drivers negotiate by trying their highest version first (the Python driver: 0x42, 0x41, 5,
/// then 4) and fall back when the ERROR 0x000A message contains "unsupported protocol
/// version". The reply must be in a version the client can parse: its own version when it is
/// older than ours (v1–v3), ours (v4) when it is newer.
public struct UnsupportedVersionRequest: Sendable, Equatable {
    /// The version the client sent, without the direction bit.
    public var requestedVersion: UInt8
    /// The request's stream id (one byte widened, for v1/v2).
    public var streamID: Int16

    /// Creates a description of an unsupported request.
    public init(requestedVersion: UInt8, streamID: Int16) {
        self.requestedVersion = requestedVersion
        self.streamID = streamID
    }

    /// The version to write the ERROR in: the client's own if it is older than v4, else v4.
    public var replyVersion: UInt8 { min(requestedVersion, ProtocolVersion.current) }

    /// Whether the reply uses the 8-byte v1/v2 header with a one-byte stream id.
    public var usesLegacyHeader: Bool { replyVersion < 3 }

    /// The ERROR message, worded as Cassandra does so drivers recognise it.
    public var message: String {
        "Invalid or unsupported protocol version (\(requestedVersion)); "
            + "supported versions are (\(ProtocolVersion.supportedDescription))"
    }
}
