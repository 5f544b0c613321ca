/// When `CommitLog.append` is acknowledged relative to fsync, and how fsyncs are batched.
public enum CommitLogSyncMode: Sendable, Equatable {
    /// `append` returns once the record is copied into the mapped segment; a background thread
    /// fsyncs every `windowMs` when anything is unsynced, and as soon as
    /// `CommitLogLimits.periodicSyncBacklogBytes` are. A power failure can lose up to about
    /// one window of acknowledged appends (a process crash loses nothing: a shared mapping is
    /// the page cache). Cassandra's default.
    case periodic(windowMs: Int)
    /// `append` returns once an fsync covering its record has finished. fsyncs start at most
    /// every `windowMs`, so all appends of a window share one fsync: fewer fsyncs than `batch`
    /// under light load, at the price of up to `windowMs` added latency.
    case group(windowMs: Int)
    /// `append` returns once an fsync covering its record has finished. Appenders that arrive
    /// while an fsync runs share the next one (leader/follower group commit); no added delay.
    case batch

    /// Whether an append waits for its record to be durable before returning.
    var acknowledgesAfterSync: Bool {
        switch self {
        case .periodic: false
        case .group, .batch: true
        }
    }
}

/// Configuration of a `CommitLog`. Defaults live in `CommitLogLimits`.
public struct CommitLogOptions: Sendable {
    /// How appends relate to fsync. Default `.periodic(windowMs: 10_000)`.
    public var syncMode: CommitLogSyncMode
    /// A segment is preallocated to this size; a new one starts when the next record does not
    /// fit. A record larger than a whole segment gets a segment of its own, sized to fit it.
    /// Default 32 MiB.
    public var segmentSizeBytes: Int
    /// Appends with a larger payload throw `StoreError.invalidArgument`. Default 16 MiB; at most
    /// `CommitLogLimits.recordSizeBytesCeiling`.
    public var maxRecordSizeBytes: Int

    /// Options with the documented defaults, any of which can be overridden.
    public init(
        syncMode: CommitLogSyncMode = .periodic(windowMs: CommitLogLimits.defaultPeriodicWindowMs),
        segmentSizeBytes: Int = CommitLogLimits.defaultSegmentSizeBytes,
        maxRecordSizeBytes: Int = CommitLogLimits.defaultMaxRecordSizeBytes
    ) {
        self.syncMode = syncMode
        self.segmentSizeBytes = segmentSizeBytes
        self.maxRecordSizeBytes = maxRecordSizeBytes
    }

    /// Throws `StoreError.invalidArgument` naming the first option out of range.
    func validate() throws(StoreError) {
        switch syncMode {
        case .periodic(let windowMs) where !(1...CommitLogLimits.windowMsMax).contains(windowMs),
             .group(let windowMs) where !(0...CommitLogLimits.windowMsMax).contains(windowMs):
            throw .invalidArgument("commit log sync window \(windowMs) ms is out of range")
        default:
            break
        }
        guard segmentSizeBytes >= CommitLogLimits.segmentSizeBytesMin else {
            throw .invalidArgument("commit log segment size \(segmentSizeBytes) is below \(CommitLogLimits.segmentSizeBytesMin) bytes")
        }
        guard (0...CommitLogLimits.recordSizeBytesCeiling).contains(maxRecordSizeBytes) else {
            throw .invalidArgument("commit log record size limit \(maxRecordSizeBytes) is out of range")
        }
    }
}

/// Every default and bound of the commit log, in one place.
public enum CommitLogLimits {
    /// Default fsync period of `.periodic`, as in Cassandra.
    public static let defaultPeriodicWindowMs = 10_000
    /// Suggested window for `.group`.
    public static let defaultGroupWindowMs = 15
    /// Default segment size.
    public static let defaultSegmentSizeBytes = 32 << 20
    /// Default payload limit of one append.
    public static let defaultMaxRecordSizeBytes = 16 << 20
    /// The largest payload the format accepts at all. Replay treats a record header claiming
    /// more as damaged, so a corrupt length never makes it allocate gigabytes.
    public static let recordSizeBytesCeiling = 256 << 20
    /// In `.periodic` mode, the background thread also fsyncs once this much of the active
    /// segment is unsynced, so that no fsync under the log's lock (sealing a full segment)
    /// has more to flush: the I/O is spread out instead of arriving as one stall.
    static let periodicSyncBacklogBytes = 4 << 20
    /// The longest sync window accepted (an hour).
    public static let windowMsMax = 3_600_000
    /// The smallest segment size accepted: a segment header and one empty record fit.
    public static let segmentSizeBytesMin = 64
    /// Writers ask the prefaulter thread to fault in the active segment this far ahead of them,
    /// a chunk at a time, so that page faults are not taken under the log's lock (nor under
    /// the table write lock that `periodic` writers hold around it). 64 pages: one request per
    /// ~1,500 small records.
    static let prefaultChunkSizeBytes = 256 << 10
    /// Replay reads segments through a window of this size (grown only for a larger record).
    static let replayReadWindowSizeBytes = 1 << 20
}
