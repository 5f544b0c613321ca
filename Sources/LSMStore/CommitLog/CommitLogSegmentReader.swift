#if canImport(Glibc)
import Glibc
#endif
import KVCore

/// Reads one segment file during replay through a window buffer, so that small records cost no
/// system call each and memory stays bounded (one window, or one record if larger; a record is
/// never larger than `CommitLogLimits.recordSizeBytesCeiling` nor than the file).
struct CommitLogSegmentReader {
    /// The file's path, for error messages.
    let path: String
    /// The file's size when opened; bytes beyond it are treated as absent.
    let sizeBytes: Int
    private let file: any ReadableFile
    private var window: [UInt8] = []
    private var windowStart = 0
    private var windowCount = 0

    /// What a record header and its payload turned out to be.
    enum RecordCheck: Equatable {
        /// The whole record is present and matches its checksum.
        case intact(CommitLogRecord.Header)
        /// The record runs past the end of the file, claims an impossible length, or fails its
        /// checksum; `reason` says which.
        case damaged(reason: String)
    }

    /// A reader of `file`, which stays owned (and closed) by the caller.
    init(file: any ReadableFile, path: String) {
        self.file = file
        self.path = path
        self.sizeBytes = file.size
    }

    /// Calls `body` with the bytes `offset..<offset + count` (valid only during the call), or
    /// returns nil without calling it if they run past the end of the file.
    mutating func withBytes<Result>(at offset: Int, count: Int,
                                    _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result? {
        guard offset >= 0, count >= 0, count <= sizeBytes - offset else { return nil }
        if offset < windowStart || offset + count > windowStart + windowCount {
            try fill(from: offset, atLeast: count)
        }
        let start = offset - windowStart
        return try window.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
    }

    /// Loads the window with the file's bytes from `offset`, at least `count` of them.
    private mutating func fill(from offset: Int, atLeast count: Int) throws {
        let length = min(max(count, CommitLogLimits.replayReadWindowSizeBytes), sizeBytes - offset)
        if window.count < length { window = [UInt8](repeating: 0, count: length) }
        let read = window.withUnsafeMutableBytes { buffer in
            Result { () throws(FileSystemError) in
                try file.read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<length]))
            }
        }
        let got: Int
        do { got = try read.get() } catch { throw StoreError.io(error) }
        guard got >= count else {
            throw StoreError.io(.shortRead(path: path, offset: offset, expected: count, got: got))
        }
        windowStart = offset
        windowCount = got
    }

    /// Checks the record that starts at `offset`: present, of plausible length, checksum intact.
    /// Says nothing about its sequence number.
    mutating func checkRecord(at offset: Int) throws -> RecordCheck {
        let headerSize = CommitLogRecord.headerSizeBytes
        guard let header = try withBytes(at: offset, count: headerSize, CommitLogRecord.decodeHeader) else {
            return .damaged(reason: "record header runs past the end of the file (\(sizeBytes) bytes)")
        }
        guard header.payloadSizeBytes <= CommitLogLimits.recordSizeBytesCeiling else {
            return .damaged(reason: "record claims an impossible payload length of \(header.payloadSizeBytes) bytes")
        }
        guard let intact = try withBytes(at: offset, count: headerSize + header.payloadSizeBytes,
                                         CommitLogRecord.isIntact) else {
            return .damaged(reason: "record of \(header.payloadSizeBytes) payload bytes runs past the end of the file (\(sizeBytes) bytes)")
        }
        return intact ? .intact(header) : .damaged(reason: "record checksum mismatch")
    }

    /// Whether an intact record starts anywhere after `offset`, scanning byte by byte (the
    /// length field of the damaged record at `offset` cannot be trusted to find the next one).
    ///
    /// `lowestSequence` is the sequence number the record at `offset` should have had; a
    /// record found `distance` bytes later can have at most `distance / 16` records between
    /// them, which bounds its sequence number and makes a false match on garbage negligible.
    /// nil when unknown (a damaged segment header): then only the checksum decides.
    ///
    /// A header at or after the last non-zero byte is all zeros, which is never intact
    /// (sequence numbers start at 1, and the checksum of zeros is not zero), so the scan stops
    /// there: a preallocated tail of zeros costs one pass, not a check per byte.
    mutating func intactRecordFollows(_ offset: Int, lowestSequence: UInt64?) throws -> Bool {
        let nonZeroEnd = try endOfNonZeroBytes(from: offset + 1)
        var candidate = offset + 1
        while candidate < nonZeroEnd && candidate + CommitLogRecord.headerSizeBytes <= sizeBytes {
            let header = try withBytes(at: candidate, count: CommitLogRecord.headerSizeBytes, CommitLogRecord.decodeHeader)!
            if isPlausible(header, at: candidate, after: offset, lowestSequence: lowestSequence),
               case .intact = try checkRecord(at: candidate) {
                return true
            }
            candidate += 1
        }
        return false
    }

    /// The offset just after the last non-zero byte at or after `offset`, or `offset` if every
    /// byte from there to the end of the file is zero. Reads backwards a window at a time, so
    /// it stops early when the file ends in non-zero bytes.
    mutating func endOfNonZeroBytes(from offset: Int) throws -> Int {
        let zeros = [UInt8](repeating: 0, count: CommitLogLimits.replayReadWindowSizeBytes)
        var end = sizeBytes
        while end > offset {
            let start = max(offset, end - zeros.count)
            let lastNonZero = try withBytes(at: start, count: end - start) { chunk in
                let isZero = zeros.withUnsafeBytes { memcmp(chunk.baseAddress!, $0.baseAddress!, chunk.count) == 0 }
                return isZero ? nil : chunk.lastIndex { $0 != 0 }
            }!
            if let lastNonZero { return start + lastNonZero + 1 }
            end = start
        }
        return offset
    }

    /// A cheap filter before the checksum: the length fits the file, the sequence number fits
    /// the distance from the damaged record.
    private func isPlausible(_ header: CommitLogRecord.Header, at candidate: Int, after offset: Int,
                             lowestSequence: UInt64?) -> Bool {
        guard header.payloadSizeBytes <= sizeBytes - candidate - CommitLogRecord.headerSizeBytes else { return false }
        guard let lowestSequence else { return true }
        let recordsBetweenMax = UInt64((candidate - offset) / CommitLogRecord.headerSizeBytes)
        return header.sequence >= lowestSequence && header.sequence - lowestSequence <= recordsBetweenMax
    }
}
