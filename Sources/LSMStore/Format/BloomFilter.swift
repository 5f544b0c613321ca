import KVCore

/// A standard bloom filter over the partition prefixes of an SSTable (FORMAT.md "Bloom
/// filter"): `probeCount` bit positions per key, derived by double hashing from one 64-bit
/// `hash(_:)`. At 10 bits per key the false-positive rate is about 0.85%.
///
///     block:  bit array (n bytes; bit i is byte i / 8, bit i % 8) | probe count u8
///
/// An empty bit array means "no filter": every query answers true. The probes of one query
/// are independent loads, so their cache misses overlap. Immutable and Sendable.
struct BloomFilter: Sendable {
    static let maxProbeCount = 30

    private let bits: [UInt8]
    let probeCount: Int

    /// Number of bits in the filter.
    var bitCount: Int { bits.count * 8 }

    // MARK: Hashing (part of the format: changing it needs a new format version)

    private static let prime1: UInt64 = 0x9E37_79B9_7F4A_7C15
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F

    /// The filter's 64-bit hash. `h = count * P1`; for each 8-byte little-endian word `w`
    /// (the last one zero-padded): `h = rotl(h ^ (w * P2), 31) * P1`; then MurmurHash3's
    /// fmix64 finalizer. All arithmetic wraps.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var state = UInt64(bytes.count) &* prime1
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            state = mixWord(state, word)
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for index in 0..<(bytes.count - offset) { tail |= UInt64(bytes[offset + index]) << (8 * index) }
            state = mixWord(state, tail)
        }
        return finalize(state)
    }

    @inline(__always)
    private static func mixWord(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = state ^ (word &* prime2)
        return ((mixed << 31) | (mixed >> 33)) &* prime1
    }

    @inline(__always)
    private static func finalize(_ value: UInt64) -> UInt64 {
        var hash = value
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }

    /// Probe `i` is bit `(g_i * bitCount) >> 64` (the high half of the 128-bit product), where
    /// `g_i = hash + i * d` and `d = rotl(hash, 32) | 1`, all wrapping in 64 bits.
    @inline(__always)
    private static func forEachProbe(_ hash: UInt64, bitCount: Int, probeCount: Int, _ body: (Int) -> Bool) -> Bool {
        let delta = ((hash << 32) | (hash >> 32)) | 1
        var probe = hash
        for _ in 0..<probeCount {
            let bit = Int(truncatingIfNeeded: probe.multipliedFullWidth(by: UInt64(bitCount)).high)
            if !body(bit) { return false }
            probe = probe &+ delta
        }
        return true
    }

    // MARK: Building

    /// How many probes suit `bitsPerKey` (ln 2 times bits per key, at least 1).
    static func probeCount(bitsPerKey: Int) -> Int {
        min(maxProbeCount, max(1, Int(Double(bitsPerKey) * 0.69)))
    }

    /// The encoded filter for keys with these hashes (duplicates allowed), at `bitsPerKey`
    /// bits per hash (at least 64 bits in all); an empty filter when `bitsPerKey` is 0.
    static func encode(hashes: [UInt64], bitsPerKey: Int) -> [UInt8] {
        let probeCount = probeCount(bitsPerKey: bitsPerKey)
        guard bitsPerKey > 0 else { return [UInt8(probeCount)] }
        let byteCount = (max(64, hashes.count * bitsPerKey) + 7) / 8
        var encoded = [UInt8](repeating: 0, count: byteCount + 1)
        encoded[byteCount] = UInt8(probeCount)
        encoded.withUnsafeMutableBytes { buffer in
            for hash in hashes {
                _ = forEachProbe(hash, bitCount: byteCount * 8, probeCount: probeCount) { bit in
                    buffer[bit >> 3] |= UInt8(1) << UInt8(bit & 7)
                    return true
                }
            }
        }
        return encoded
    }

    // MARK: Reading

    /// Decodes an encoded filter, checking the probe count.
    init(decoding encoded: UnsafeRawBufferPointer) throws(DecodeError) {
        guard let last = encoded.last else { throw .truncated(offset: 0) }
        guard (1...Self.maxProbeCount).contains(Int(last)) else {
            throw .malformed(offset: encoded.count - 1, reason: "bloom probe count \(last) out of range")
        }
        bits = Array(encoded[0..<(encoded.count - 1)])
        probeCount = Int(last)
    }

    /// Whether a key with this hash may be in the set; false means definitely not.
    @inline(__always)
    func mayContain(hash: UInt64) -> Bool {
        guard !bits.isEmpty else { return true }
        return bits.withUnsafeBufferPointer { buffer in
            Self.forEachProbe(hash, bitCount: buffer.count * 8, probeCount: probeCount) { bit in
                buffer[bit >> 3] & (UInt8(1) << UInt8(bit & 7)) != 0
            }
        }
    }

    /// Whether `key` may be in the set.
    func mayContain(_ key: UnsafeRawBufferPointer) -> Bool {
        mayContain(hash: Self.hash(key))
    }
}
