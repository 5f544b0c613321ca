import KVCore

/// The bytes of one hint on disk: a 16-byte header, then the payload (a `mutation` payload
/// of `ReplicaMessageCodec`). Layout in FORMAT.md, "Hints (on disk)":
///
///     +----------------+--------------------+-------------------+-----------------+
///     | u32 length (LE)| i64 created ms (LE)| u32 masked CRC32C | payload[length] |
///     +----------------+--------------------+-------------------+-----------------+
///
/// The checksum covers the first 12 header bytes and the payload.
enum HintRecord {
    /// Size of the fixed header.
    static let headerSizeBytes = 16
    /// The largest payload a record may carry; a longer length field means damage.
    static let payloadSizeBytesMax = 64 << 20

    /// A decoded header; says nothing about whether the record is intact.
    struct Header: Equatable {
        var payloadSizeBytes: Int
        var createdAtMillis: Int64
        var maskedChecksum: UInt32
    }

    /// The record for `payload`, created at `createdAtMillis` (wall clock).
    static func encode(payload: [UInt8], createdAtMillis: Int64) -> [UInt8] {
        var writer = ByteWriter(capacity: headerSizeBytes + payload.count)
        writer.writeUInt32(UInt32(payload.count))
        writer.writeUInt64(UInt64(bitPattern: createdAtMillis))
        let checksum = writer.bytes.withUnsafeBytes { header in
            payload.withUnsafeBytes { CRC32C.extend(CRC32C.extend(0, header), $0) }
        }
        writer.writeUInt32(CRC32C.mask(checksum))
        writer.writeBytes(payload)
        return writer.bytes
    }

    /// Decodes the header at the start of `bytes`, which holds at least `headerSizeBytes`.
    static func decodeHeader(_ bytes: UnsafeRawBufferPointer) -> Header {
        precondition(bytes.count >= headerSizeBytes, "a hint header is \(headerSizeBytes) bytes")
        return Header(payloadSizeBytes: Int(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian),
                      createdAtMillis: Int64(bitPattern: bytes.loadUnaligned(fromByteOffset: 4, as: UInt64.self).littleEndian),
                      maskedChecksum: bytes.loadUnaligned(fromByteOffset: 12, as: UInt32.self).littleEndian)
    }

    /// Whether `record` (header and exactly its payload) matches its checksum.
    static func isIntact(_ record: UnsafeRawBufferPointer) -> Bool {
        let header = decodeHeader(record)
        guard record.count == headerSizeBytes + header.payloadSizeBytes else { return false }
        let checksum = CRC32C.extend(CRC32C.extend(0, UnsafeRawBufferPointer(rebasing: record[0..<12])),
                                     UnsafeRawBufferPointer(rebasing: record[headerSizeBytes...]))
        return CRC32C.mask(checksum) == header.maskedChecksum
    }
}
