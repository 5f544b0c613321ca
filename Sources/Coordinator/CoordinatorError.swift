import KVCore

/// Why a coordinated read or write failed, in the terms of the native protocol's errors.
public enum CoordinatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer replicas are alive than the consistency level needs; nothing was sent.
    case unavailable(ConsistencyLevel, required: Int, alive: Int)
    /// Not enough replicas acknowledged the write in time.
    case writeTimeout(ConsistencyLevel, received: Int, blockFor: Int)
    /// Not enough replicas answered the read in time.
    case readTimeout(ConsistencyLevel, received: Int, blockFor: Int, dataPresent: Bool)
    /// Replicas answered with failures (e.g. the table is unknown there) and too few succeeded.
    case writeFailure(ConsistencyLevel, received: Int, blockFor: Int, failures: Int, reason: String)
    case readFailure(ConsistencyLevel, received: Int, blockFor: Int, failures: Int, reason: String)
    /// The request cannot be coordinated as asked.
    case invalid(String)

    public var description: String {
        switch self {
        case let .unavailable(level, required, alive):
            "Cannot achieve consistency level \(level): \(required) replica(s) required but only \(alive) alive"
        case let .writeTimeout(level, received, blockFor):
            "Operation timed out - received only \(received) responses of \(blockFor) required for \(level) write"
        case let .readTimeout(level, received, blockFor, _):
            "Operation timed out - received only \(received) responses of \(blockFor) required for \(level) read"
        case let .writeFailure(level, received, blockFor, failures, reason):
            "Write failed at \(level): \(received) of \(blockFor) acknowledged, \(failures) failed (\(reason))"
        case let .readFailure(level, received, blockFor, failures, reason):
            "Read failed at \(level): \(received) of \(blockFor) answered, \(failures) failed (\(reason))"
        case .invalid(let message): message
        }
    }
}
