/// Why incoming bytes are not a frame this build accepts. Any of these closes the
/// connection they came on (with a log line); the node keeps running.
public enum FrameError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stream does not start with the magic bytes (not our protocol, or out of step).
    case badMagic
    /// A protocol version this build does not speak.
    case unsupportedVersion(UInt8)
    /// The header's checksum does not match its bytes.
    case headerChecksumMismatch(stored: UInt32, computed: UInt32)
    /// The checksum over sender host and payload does not match.
    case bodyChecksumMismatch(stored: UInt32, computed: UInt32)
    /// A frame kind byte this build does not know.
    case unknownKind(UInt8)
    /// The announced frame is larger than the configured maximum.
    case oversized(sizeBytes: Int, maxBytes: Int)
    /// A field breaks a rule of the format (reserved byte set, empty or non-UTF-8 host).
    case malformed(String)

    /// One line for the log entry written when the connection closes.
    public var description: String {
        switch self {
        case .badMagic: "bad magic"
        case .unsupportedVersion(let version): "unsupported protocol version \(version)"
        case let .headerChecksumMismatch(stored, computed):
            "header checksum mismatch (stored \(stored), computed \(computed))"
        case let .bodyChecksumMismatch(stored, computed):
            "body checksum mismatch (stored \(stored), computed \(computed))"
        case .unknownKind(let kind): "unknown frame kind \(kind)"
        case let .oversized(size, max): "frame of \(size) bytes exceeds the limit of \(max) bytes"
        case .malformed(let reason): "malformed frame: \(reason)"
        }
    }
}
