import KVCore

/// Why a `HintStore` call failed. Corruption (file and offset) is distinct from I/O failure.
public enum HintStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file system failed; the hint's fate is unknown (it may reappear after a restart).
    case io(FileSystemError)
    /// Storing would take the host's hints past `maxBytesPerHost`; nothing was written.
    case hostFull(HostID, sizeBytes: Int, maxBytes: Int)
    /// One hint larger than a record may be; nothing was written.
    case hintTooLarge(sizeBytes: Int, maxBytes: Int)
    /// A record in the middle of a host's file is damaged; the file was set aside as `.corrupt`.
    case corrupt(path: String, offset: Int, reason: String)
    /// Another replay of the same host is running.
    case replayInProgress(HostID)
    /// A delivery failed: `report` says what was done before it; the rest stays stored.
    case deliveryFailed(HostID, report: HintReplayReport, reason: String)

    public var description: String {
        switch self {
        case .io(let error): "hint storage I/O failed: \(error)"
        case let .hostFull(host, size, max): "hints for \(host) hold \(size) bytes, the limit is \(max) bytes"
        case let .hintTooLarge(size, max): "a hint of \(size) bytes exceeds the limit of \(max) bytes"
        case let .corrupt(path, offset, reason): "corrupt hint file \(path) at offset \(offset): \(reason)"
        case .replayInProgress(let host): "hints for \(host) are already being replayed"
        case let .deliveryFailed(host, report, reason):
            "hint delivery to \(host) failed after \(report.delivered) delivered: \(reason)"
        }
    }
}

/// What one `HintStore.replay` did.
public struct HintReplayReport: Sendable, Equatable {
    /// Hints the target acknowledged.
    public var delivered = 0
    /// Hints dropped for being older than the hint window.
    public var expired = 0
    /// Intact records whose payload did not decode (dropped, counted as corrupt).
    public var undecodable = 0
    /// Hints still stored for the host after the replay.
    public var remaining = 0

    public init(delivered: Int = 0, expired: Int = 0, undecodable: Int = 0, remaining: Int = 0) {
        self.delivered = delivered
        self.expired = expired
        self.undecodable = undecodable
        self.remaining = remaining
    }
}

/// Totals of a `HintStore` since it was opened.
public struct HintStoreCounters: Sendable, Equatable {
    /// Hints durably stored.
    public var stored = 0
    /// Hints acknowledged by their target.
    public var delivered = 0
    /// Hints dropped for being older than the hint window.
    public var expired = 0
    /// Hints refused for a full host or an oversized hint.
    public var refused = 0
    /// Damaged files set aside plus undecodable records dropped.
    public var corrupt = 0

    public init() {}
}
