import KVCore

/// Errors of the storage engine. Corruption (bad bytes on disk, with file and offset) is
/// kept apart from I/O failure (the operating system refused) and from bad arguments.
public enum StoreError: Error, CustomStringConvertible {
    /// Bytes on disk are not what was written: a checksum mismatch, an impossible length,
    /// an unknown version. `offset` is where in `file` the damage was found.
    case corruption(file: String, offset: Int, reason: String)
    /// The file system failed.
    case io(FileSystemError)
    /// A call's arguments are invalid (unknown table, keys out of order, bad options...).
    case invalidArgument(String)
    /// A previous fatal error (a failed fsync) stopped the store; it must be reopened.
    case failed(reason: String)
    /// The store or table was closed or dropped.
    case closed

    public var description: String {
        switch self {
        case let .corruption(file, offset, reason): "corruption in \(file) at offset \(offset): \(reason)"
        case .io(let error): "I/O error: \(error)"
        case .invalidArgument(let message): "invalid argument: \(message)"
        case .failed(let reason): "store stopped after a fatal error: \(reason)"
        case .closed: "the store is closed"
        }
    }
}
