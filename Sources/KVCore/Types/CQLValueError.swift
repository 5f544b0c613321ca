/// Bytes that are not a valid serialized value of the expected CQL type. Thrown by every
/// decoder in this folder instead of trapping: the bytes may come from a client or a disk.
public enum CQLValueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The value's length does not fit its type (`expected` is a description like "4").
    case invalidLength(type: String, expected: String, actual: Int)
    /// The bytes ended inside a length-prefixed element or header.
    case truncated(type: String)
    /// Bytes remain after the value.
    case trailingBytes(type: String, count: Int)
    /// The content is not valid for the type (bad UTF-8, non-ASCII byte, wrong UUID version…).
    case invalidContent(type: String, reason: String)
    /// A declared count or nesting exceeds `CQLTypeLimits`.
    case limitExceeded(type: String, reason: String)
    /// The value does not match the type it is encoded as.
    case typeMismatch(expected: String, actual: String)

    /// A message for the client or the log.
    public var description: String {
        switch self {
        case .invalidLength(let type, let expected, let actual):
            return "invalid \(type) value: expected \(expected) bytes, got \(actual)"
        case .truncated(let type):
            return "truncated \(type) value"
        case .trailingBytes(let type, let count):
            return "invalid \(type) value: \(count) trailing bytes"
        case .invalidContent(let type, let reason):
            return "invalid \(type) value: \(reason)"
        case .limitExceeded(let type, let reason):
            return "\(type) value exceeds a limit: \(reason)"
        case .typeMismatch(let expected, let actual):
            return "value of type \(actual) given where \(expected) was expected"
        }
    }
}
