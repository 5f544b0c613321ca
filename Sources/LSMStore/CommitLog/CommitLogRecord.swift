import KVCore

/// The layout of one commit log record (little-endian, see FORMAT.md):
///
///     0         4                 8                  16
///     | crc32c  | payload length  | sequence number  | payload ...
///
/// `crc32c` is the masked CRC32C of the payload followed by bytes 4..<16 (length and
/// sequence number). The payload comes first so that an appender can checksum it before
/// taking the log's lock, leaving only 12 bytes to checksum inside it.
enum CommitLogRecord {
    /// The fixed header before each payload; also the smallest possible record.
    static let headerSizeBytes = 16

    /// A decoded record header, not yet verified.
    struct Header: Equatable {
        /// The stored (masked) checksum.
        var checksum: UInt32
        /// The announced payload length (not yet checked against the file).
        var payloadSizeBytes: Int
        /// The record's global sequence number.
        var sequence: UInt64
    }

    /// The header of a record whose payload has CRC32C `payloadChecksum`, as a value whose
    /// 16 bytes in memory are the header's (the commit log stores it from the stack on every
    /// append: no buffer to grow or count).
    static func header(payloadChecksum: UInt32, payloadSizeBytes: Int, sequence: UInt64) -> Fields {
        precondition(payloadSizeBytes <= Int(UInt32.max), "payload length must fit the header")
        var fields: Fields = (0, UInt32(payloadSizeBytes).littleEndian, sequence.littleEndian)
        let checksum = withUnsafeBytes(of: &fields) { raw in
            CRC32C.mask(CRC32C.extend(payloadChecksum, UnsafeRawBufferPointer(rebasing: raw[4..<headerSizeBytes])))
        }
        fields.0 = checksum.littleEndian
        return fields
    }

    /// Checksum, length and sequence number, little-endian: a tuple of these lies in memory
    /// as its fields in order, each at its alignment (offsets 0, 4 and 8).
    typealias Fields = (UInt32, UInt32, UInt64)

    /// Decodes the first `headerSizeBytes` of `bytes` (the caller checked there are enough).
    static func decodeHeader(_ bytes: UnsafeRawBufferPointer) -> Header {
        precondition(bytes.count >= headerSizeBytes, "a record header is \(headerSizeBytes) bytes")
        return Header(
            checksum: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
            payloadSizeBytes: Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))),
            sequence: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }

    /// Whether `record` (header and the whole payload the header announces) matches its checksum.
    static func isIntact(_ record: UnsafeRawBufferPointer) -> Bool {
        let header = decodeHeader(record)
        precondition(record.count == headerSizeBytes + header.payloadSizeBytes, "pass exactly one record")
        let payload = UnsafeRawBufferPointer(rebasing: record[headerSizeBytes...])
        let lengthAndSequence = UnsafeRawBufferPointer(rebasing: record[4..<headerSizeBytes])
        return CRC32C.mask(CRC32C.extend(CRC32C.checksum(payload), lengthAndSequence)) == header.checksum
    }
}
