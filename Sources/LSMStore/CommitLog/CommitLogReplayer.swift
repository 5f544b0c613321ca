import KVCore

/// Replays the segments of a commit log directory in id order, and cuts away a torn tail.
///
/// The torn-tail rule: only the last segment (highest id) can hold unsynced data, because the
/// writer seals (fsyncs) a segment before writing into the next. So only there may a damaged
/// record (incomplete, impossible length or bad checksum) be the remains of an interrupted
/// write, and only if no intact record follows it anywhere later in the file; then the file is
/// truncated at the damaged record. Any other damage is corruption: replay throws
/// `StoreError.corruption` naming the file and offset, and the node refuses to start.
///
/// The zero-tail rule (format v2, preallocated segments): in any segment, a damaged record
/// where every byte from its start to the end of the file is zero is the unwritten rest of a
/// segment that was never sealed, not damage: the segment ends there. In the last segment the
/// zeros are cut away, as sealing would have done.
struct CommitLogReplayer {
    /// Receives each intact record: the position just after it and its payload (valid only
    /// during the call).
    typealias Handler = (CommitLogPosition, UnsafeRawBufferPointer) throws -> Void

    /// The commit log directory.
    let directory: String
    /// Where the segments are read from and truncated.
    let fileSystem: any FileSystem
    /// The sequence number of the last record replayed.
    private var lastSequence: UInt64?
    /// The sequence number the next appended record takes: past every record and every segment
    /// header seen.
    private(set) var nextSequence: UInt64 = 1

    /// A replayer for the log in `directory`.
    init(directory: String, fileSystem: any FileSystem) {
        self.directory = directory
        self.fileSystem = fileSystem
    }

    /// Replays every segment in id order and returns them as they are left on disk (a torn
    /// tail cut away). Throws `StoreError.corruption`, `.io`, or whatever `handler` throws.
    mutating func replayAll(_ handler: Handler) throws -> [CommitLogSegment.Sealed] {
        let ids = try segmentIds()
        var segments: [CommitLogSegment.Sealed] = []
        for id in ids {
            let sizeBytes = try replaySegment(id: id, isLast: id == ids.last, handler)
            segments.append(CommitLogSegment.Sealed(id: id, sizeBytes: sizeBytes))
        }
        return segments
    }

    /// The ids of the segment files in the directory, ascending. Other files are ignored.
    func segmentIds() throws -> [UInt64] {
        do {
            return try fileSystem.listDirectory(directory).compactMap(CommitLogSegment.id(fromFileName:)).sorted()
        } catch {
            throw StoreError.io(error)
        }
    }

    /// Replays one segment; returns its size once any torn tail is cut away.
    private mutating func replaySegment(id: UInt64, isLast: Bool, _ handler: Handler) throws -> Int {
        let path = joinPath(directory, CommitLogSegment.fileName(id: id))
        let file: any ReadableFile
        do { file = try fileSystem.openForReading(path) } catch { throw StoreError.io(error) }
        defer { file.close() }
        var reader = CommitLogSegmentReader(file: file, path: path)
        // An empty file is a segment whose torn header an earlier open cut away.
        guard reader.sizeBytes > 0 else { return 0 }
        guard let header = try readHeader(&reader, id: id, isLast: isLast) else {
            return try truncate(path, toSize: 0)
        }
        nextSequence = max(nextSequence, header.firstSequence)
        let mayEndInZeros = CommitLogFormatVersion(rawValue: header.version)!.mayEndInZeros
        return try replayRecords(&reader, segmentId: id, firstSequence: header.firstSequence, isLast: isLast,
                                 mayEndInZeros: mayEndInZeros, handler)
    }

    /// The segment's header, or nil if it is a torn tail (only possible in the last segment).
    private func readHeader(_ reader: inout CommitLogSegmentReader, id: UInt64,
                            isLast: Bool) throws -> CommitLogSegmentHeader? {
        let path = reader.path
        switch try reader.withBytes(at: 0, count: CommitLogSegmentHeader.sizeBytes, CommitLogSegmentHeader.decode) {
        case nil:
            guard isLast else { throw corruption(path, 0, "segment header is truncated (\(reader.sizeBytes) bytes)") }
            return nil
        case .checksumMismatch?:
            let lowestSequence = lastSequence.map { $0 + 1 }
            guard isLast, try !reader.intactRecordFollows(0, lowestSequence: lowestSequence) else {
                throw corruption(path, 0, "segment header checksum mismatch")
            }
            return nil
        case .badMagic(let magic)?:
            throw corruption(path, 0, "not a commit log segment (magic 0x\(String(magic, radix: 16)))")
        case .unknownVersion(let version)?:
            throw corruption(path, 0, "unknown commit log format version \(version) (this build reads up to \(CommitLogFormatVersion.current.rawValue))")
        case .valid(let header)?:
            try validate(header, id: id, path: path)
            return header
        }
    }

    /// Checks that a well-formed header belongs where it was found.
    private func validate(_ header: CommitLogSegmentHeader, id: UInt64, path: String) throws {
        guard header.segmentId == id else {
            throw corruption(path, 0, "header names segment \(header.segmentId) but the file name says \(id)")
        }
        if let lastSequence, header.firstSequence <= lastSequence {
            throw corruption(path, 0, "segment starts at sequence number \(header.firstSequence), not after \(lastSequence) of the segment before")
        }
    }

    /// Replays the records after the header; returns where the intact records end.
    private mutating func replayRecords(_ reader: inout CommitLogSegmentReader, segmentId: UInt64,
                                        firstSequence: UInt64, isLast: Bool, mayEndInZeros: Bool,
                                        _ handler: Handler) throws -> Int {
        var offset = CommitLogSegmentHeader.sizeBytes
        var expectedSequence = firstSequence
        while offset < reader.sizeBytes {
            switch try reader.checkRecord(at: offset) {
            case .intact(let header):
                guard header.sequence == expectedSequence else {
                    throw corruption(reader.path, offset, "record has sequence number \(header.sequence), expected \(expectedSequence)")
                }
                let end = offset + CommitLogRecord.headerSizeBytes + header.payloadSizeBytes
                _ = try reader.withBytes(at: offset + CommitLogRecord.headerSizeBytes, count: header.payloadSizeBytes) {
                    try handler(CommitLogPosition(segment: segmentId, offset: end), $0)
                }
                lastSequence = expectedSequence
                expectedSequence += 1
                nextSequence = max(nextSequence, expectedSequence)
                offset = end
            case .damaged(let reason):
                if mayEndInZeros, try reader.endOfNonZeroBytes(from: offset) == offset {
                    return isLast ? try truncate(reader.path, toSize: offset) : offset
                }
                guard isLast, try !reader.intactRecordFollows(offset, lowestSequence: expectedSequence) else {
                    throw corruption(reader.path, offset, reason + (isLast ? " (intact records follow)" : ""))
                }
                return try truncate(reader.path, toSize: offset)
            }
        }
        return offset
    }

    /// Cuts a torn tail away (durably: `FileSystem.truncate` syncs); returns the new size.
    private func truncate(_ path: String, toSize sizeBytes: Int) throws -> Int {
        do { try fileSystem.truncate(path, toSize: sizeBytes) } catch { throw StoreError.io(error) }
        return sizeBytes
    }

    private func corruption(_ path: String, _ offset: Int, _ reason: String) -> StoreError {
        .corruption(file: path, offset: offset, reason: reason)
    }
}
