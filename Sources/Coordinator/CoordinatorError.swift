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
    /// A write of a batch failed with the inner error (`writeTimeout` or `writeFailure`):
    /// `type` is the protocol's write type of that write (BATCH_LOG, BATCH or UNLOGGED_BATCH).
    indirect case batch(BatchWriteType, CoordinatorError)

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
        case let .batch(_, error): error.description
        }
    }

    /// The error with any batch wrapper taken off.
    public var unwrapped: CoordinatorError {
        if case .batch(_, let inner) = self { return inner.unwrapped }
        return self
    }
}

/// Which write of a batch timed out or failed, as the native protocol's write type names it.
public enum BatchWriteType: Sendable, Equatable {
    /// Storing a logged batch in the batchlog (BATCH_LOG).
    case batchLog
    /// Applying the mutations of a logged batch, after the batchlog write (BATCH).
    case batch
    /// Applying the mutations of an unlogged batch over several partitions (UNLOGGED_BATCH).
    case unloggedBatch
}
