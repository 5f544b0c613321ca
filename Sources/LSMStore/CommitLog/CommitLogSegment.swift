import KVCore

/// The segment being appended to: one file, `commitlog-<20-digit id>.log`, that starts with a
/// `CommitLogSegmentHeader` and continues with records. The file is preallocated to its
/// capacity and memory-mapped, so appending a record is a copy into the page cache; sealing
/// cuts it to the bytes written. Owned by `CommitLogWriter`, which serialises writes to it.
struct CommitLogSegment {
    /// File names are `commitlog-<id>.log`, the id zero-padded to 20 digits (UInt64.max has 20).
    static let fileNamePrefix = "commitlog-"
    static let fileNameSuffix = ".log"
    static let fileNameIdDigits = 20

    /// The segment id, also in the file name and header.
    let id: UInt64
    /// The file's full path.
    let path: String
    /// The mapped file; the writer serialises stores, syncs may run beside them.
    let file: any MappedFile
    /// Bytes written to the file so far (header included), synced or not.
    var sizeBytes: Int

    /// The bytes the segment can hold, header included.
    var capacityBytes: Int { file.capacityBytes }

    /// The position after the last byte written.
    var endPosition: CommitLogPosition { CommitLogPosition(segment: id, offset: sizeBytes) }

    /// A segment no longer appended to: a replayed one, or one the writer moved past.
    struct Sealed: Equatable {
        /// The segment id.
        let id: UInt64
        /// The file's size: where its last record ends.
        let sizeBytes: Int

        /// The file name (not path).
        var name: String { CommitLogSegment.fileName(id: id) }
        /// Every record of the segment ends at or before this position.
        var endPosition: CommitLogPosition { CommitLogPosition(segment: id, offset: sizeBytes) }
    }

    /// The sealed form of this segment at its current size.
    var sealed: Sealed { Sealed(id: id, sizeBytes: sizeBytes) }

    /// The file name of segment `id`; zero-padded so that names sort like ids.
    static func fileName(id: UInt64) -> String {
        let digits = String(id)
        return fileNamePrefix + String(repeating: "0", count: fileNameIdDigits - digits.count) + digits + fileNameSuffix
    }

    /// The id in a segment file name, or nil if `name` is not one.
    static func id(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix(fileNamePrefix), name.hasSuffix(fileNameSuffix) else { return nil }
        let digits = name.dropFirst(fileNamePrefix.count).dropLast(fileNameSuffix.count)
        guard digits.count == fileNameIdDigits, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// Creates segment `id` in `directory` with room for `capacityBytes` (header included),
    /// replacing any file of that name, and makes its header, its size and its directory entry
    /// durable before returning. A full disk fails here, with an error naming the file.
    ///
    /// Syncing the directory here means a segment exists on disk before any record goes into it,
    /// so the next open always sees the highest id ever used and never reuses it: positions the
    /// engine stored can never come to name a different segment. Costs two fsyncs per segment.
    static func create(directory: String, id: UInt64, firstSequence: UInt64, capacityBytes: Int,
                       fileSystem: any FileSystem) throws(FileSystemError) -> CommitLogSegment {
        let path = joinPath(directory, fileName(id: id))
        let header = CommitLogSegmentHeader(
            version: CommitLogFormatVersion.current.rawValue, segmentId: id, firstSequence: firstSequence)
        let file = try fileSystem.createMapped(path, capacityBytes: capacityBytes)
        do {
            try file.store(header.encoded(), at: 0)
            try file.sync()
            try fileSystem.syncDirectory(directory)
        } catch {
            try? file.close()  // The creation error is the one worth reporting.
            throw error
        }
        return CommitLogSegment(id: id, path: path, file: file, sizeBytes: CommitLogSegmentHeader.sizeBytes)
    }
}
