import KVCore

/// One intact hint read back from a host's file.
struct HintEntry {
    /// Where the record starts in the file.
    var offset: Int
    /// Where the next record starts.
    var endOffset: Int
    var createdAtMillis: Int64
    /// The encoded `Mutation`.
    var payload: [UInt8]
}

/// Reads the records of one hint file in append order, up to a fixed end, and tells a torn
/// tail (a crash mid-append: no intact record follows the damage) from corruption in the
/// middle (an intact record follows). The caller owns and closes `file`.
struct HintFileReader {
    /// What the next step of the file holds.
    enum Step {
        case record(HintEntry)
        case end
        /// The record at `offset` is damaged; `isTornTail` when nothing intact follows it.
        case damaged(offset: Int, reason: String, isTornTail: Bool)
    }

    let path: String
    let file: any ReadableFile
    /// Bytes at or past this offset are ignored (appended after a replay began).
    let endOffset: Int
    private(set) var offset = 0

    init(file: any ReadableFile, path: String, endOffset: Int? = nil) {
        self.file = file
        self.path = path
        self.endOffset = min(endOffset ?? file.size, file.size)
    }

    /// The next record, the end, or the damage that stops reading.
    mutating func next() throws(FileSystemError) -> Step {
        guard offset < endOffset else { return .end }
        guard endOffset - offset >= HintRecord.headerSizeBytes else {
            return try damaged("header runs past the end of the file")
        }
        let headerBytes = try file.readExactly(at: offset, count: HintRecord.headerSizeBytes, path: path)
        let header = headerBytes.withUnsafeBytes(HintRecord.decodeHeader)
        guard header.payloadSizeBytes <= HintRecord.payloadSizeBytesMax,
              header.payloadSizeBytes <= endOffset - offset - HintRecord.headerSizeBytes else {
            return try damaged("record of \(header.payloadSizeBytes) payload bytes runs past the end of the file")
        }
        let record = try file.readExactly(at: offset, count: HintRecord.headerSizeBytes + header.payloadSizeBytes, path: path)
        guard record.withUnsafeBytes(HintRecord.isIntact) else { return try damaged("checksum mismatch") }
        let entry = HintEntry(offset: offset, endOffset: offset + record.count, createdAtMillis: header.createdAtMillis,
                              payload: Array(record[HintRecord.headerSizeBytes...]))
        offset = entry.endOffset
        return .record(entry)
    }

    private func damaged(_ reason: String) throws(FileSystemError) -> Step {
        .damaged(offset: offset, reason: reason, isTornTail: !(try intactRecordFollows(offset)))
    }

    /// Whether an intact record starts anywhere after `damagedOffset`, trying every byte (the
    /// damaged length cannot be trusted). Reads the rest of the file once; runs only on damage.
    private func intactRecordFollows(_ damagedOffset: Int) throws(FileSystemError) -> Bool {
        let rest = try file.readExactly(at: damagedOffset, count: endOffset - damagedOffset, path: path)
        return rest.withUnsafeBytes { bytes in
            var candidate = 1
            while candidate + HintRecord.headerSizeBytes <= bytes.count {
                let tail = UnsafeRawBufferPointer(rebasing: bytes[candidate...])
                let size = HintRecord.decodeHeader(tail).payloadSizeBytes
                if size <= tail.count - HintRecord.headerSizeBytes,
                   HintRecord.isIntact(UnsafeRawBufferPointer(rebasing: tail[0..<(HintRecord.headerSizeBytes + size)])) {
                    return true
                }
                candidate += 1
            }
            return false
        }
    }
}
