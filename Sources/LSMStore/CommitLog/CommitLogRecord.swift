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

    /// Appends the header of a record whose payload has CRC32C `payloadChecksum`.
    static func appendHeader(payloadChecksum: UInt32, payloadSizeBytes: Int, sequence: UInt64,
                             to bytes: inout [UInt8]) {
        precondition(payloadSizeBytes <= Int(UInt32.max), "payload length must fit the header")
        let start = bytes.count
        withUnsafeBytes(of: UInt32(0)) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(payloadSizeBytes).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: sequence.littleEndian) { bytes.append(contentsOf: $0) }
        let checksum = bytes.withUnsafeBytes { all in
            CRC32C.mask(CRC32C.extend(payloadChecksum, UnsafeRawBufferPointer(rebasing: all[(start + 4)..<(start + 16)])))
        }
        withUnsafeBytes(of: checksum.littleEndian) { raw in
            for index in 0..<4 { bytes[start + index] = raw[index] }
        }
    }

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
