import KVCore

/// Why a `BatchlogStore` call failed. Corruption (file and reason) is distinct from I/O failure.
public enum BatchlogStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file system failed; the batch's fate on this node is unknown.
    case io(FileSystemError)
    /// Storing would take the batchlog past its size limit; nothing was written.
    case full(sizeBytes: Int, maxBytes: Int)
    /// No batch with this id is stored (it was replayed or removed meanwhile).
    case notFound(BatchID)
    /// A batch file does not match its checksum; it was set aside as `.corrupt`.
    case corrupt(path: String, reason: String)

    public var description: String {
        switch self {
        case .io(let error): "batchlog I/O failed: \(error)"
        case let .full(size, max): "the batchlog would hold \(size) bytes, the limit is \(max) bytes"
        case .notFound(let id): "no batch \(id) in the batchlog"
        case let .corrupt(path, reason): "corrupt batchlog file \(path): \(reason)"
        }
    }
}
