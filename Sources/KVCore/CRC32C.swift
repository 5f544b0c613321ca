import CKVSupport

/// CRC32C (Castagnoli), the checksum of every commit log record, SSTable block and
/// internode frame. Hardware-accelerated where the CPU allows.
public enum CRC32C {
    /// Extends `crc` over `bytes`; start from 0.
    @inlinable
    public static func extend(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        return kv_crc32c_extend(crc, base, bytes.count)
    }

    /// The checksum of `bytes`.
    @inlinable
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { extend(0, $0) }
    }

    /// The checksum of the bytes in `buffer`.
    @inlinable
    public static func checksum(_ buffer: UnsafeRawBufferPointer) -> UInt32 { extend(0, buffer) }

    /// A masked form for checksums stored next to the data they cover, so that a CRC of
    /// data that itself contains CRCs stays well distributed (as LevelDB does).
    @inlinable
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xa282_ead8
    }

    /// Inverse of `mask`.
    @inlinable
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- 0xa282_ead8
        return (rotated >> 17) | (rotated << 15)
    }
}
