import KVCore

/// Versions of the commit log format, in order. A value is never reused; replay refuses a
/// segment whose version it does not know rather than guess at its bytes.
enum CommitLogFormatVersion: UInt32, Comparable {
    /// The first format: the header and record layouts in FORMAT.md, the file ending with the
    /// last record written.
    case v1 = 1
    /// Same header and records, but the file is preallocated and memory-mapped, so it may go
    /// on past its last record with zeros (a segment that was active at a crash).
    case v2 = 2

    /// The version this build writes.
    static let current = CommitLogFormatVersion.v2

    /// Whether a segment of this version may end in zeros after its last record.
    var mayEndInZeros: Bool { self >= .v2 }

    static func < (left: Self, right: Self) -> Bool { left.rawValue < right.rawValue }
}

/// The 28-byte header at the start of every segment file (little-endian, see FORMAT.md):
///
///     0        4          8             16                24       28
///     | magic  | version  | segment id  | first sequence  | crc32c |
///
/// `magic` is the bytes "KVCL"; `crc32c` is the masked CRC32C of bytes 0..<24. The header is
/// fsynced with the directory before any record goes into the segment, so it is never torn
/// in a segment that holds records.
struct CommitLogSegmentHeader: Equatable {
    /// The header's size; records start right after it.
    static let sizeBytes = 28
    /// "KVCL" when stored little-endian.
    static let magic: UInt32 = 0x4C43_564B

    /// Raw, so that an unknown version read from disk can be named in the error.
    var version: UInt32
    /// Must equal the id in the file name (guards against renamed or copied files).
    var segmentId: UInt64
    /// The sequence number of the segment's first record (or of the next record appended
    /// after it, if it has none): replay checks records against it.
    var firstSequence: UInt64

    /// What the first `sizeBytes` of a segment file turned out to be.
    enum Decoded: Equatable {
        case valid(CommitLogSegmentHeader)
        case checksumMismatch
        case badMagic(UInt32)
        case unknownVersion(UInt32)
    }

    /// The header's bytes, checksum included.
    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.sizeBytes)
        writer.writeUInt32(Self.magic)
        writer.writeUInt32(version)
        writer.writeUInt64(segmentId)
        writer.writeUInt64(firstSequence)
        writer.writeUInt32(CRC32C.mask(CRC32C.checksum(writer.bytes)))
        return writer.bytes
    }

    /// Decodes a header from exactly `sizeBytes` bytes. The checksum is checked first, so a
    /// bad magic or version is reported only for bytes that were written that way.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> Decoded {
        precondition(bytes.count == sizeBytes, "a segment header is \(sizeBytes) bytes")
        let covered = UnsafeRawBufferPointer(rebasing: bytes[0..<24])
        guard CRC32C.mask(CRC32C.checksum(covered)) == loadUInt32(bytes, at: 24) else { return .checksumMismatch }
        let magic = loadUInt32(bytes, at: 0)
        guard magic == Self.magic else { return .badMagic(magic) }
        let version = loadUInt32(bytes, at: 4)
        guard CommitLogFormatVersion(rawValue: version) != nil else { return .unknownVersion(version) }
        return .valid(CommitLogSegmentHeader(
            version: version, segmentId: loadUInt64(bytes, at: 8), firstSequence: loadUInt64(bytes, at: 16)))
    }
}

/// A little-endian UInt32 at `offset`; the caller has checked the bounds.
private func loadUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
    UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
}

/// A little-endian UInt64 at `offset`; the caller has checked the bounds.
private func loadUInt64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
    UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
}
