import KVCore

/// MurmurHash3 x64 128-bit exactly as Cassandra's `MurmurHash.hash3_x64_128` computes it,
/// which is what `Murmur3Partitioner` and every token-aware driver use.
///
/// Cassandra's Java code reads the tail bytes as signed (`(long) key.get(i)` sign-extends
/// bytes >= 0x80), so hashes of keys whose tail has such bytes differ from the reference C
/// implementation; this reproduces Cassandra, not the reference. Body blocks are read as
/// little-endian 64-bit words of unsigned bytes, as in both.
/// Pure and allocation-free; cost is linear in the key length.
enum MurmurHash3 {
    private static let blockByteCount = 16
    private static let constant1: UInt64 = 0x87c3_7b91_1142_53d5
    private static let constant2: UInt64 = 0x4cf5_ad43_2745_937f

    /// The two 64-bit halves of the 128-bit hash of `key` with `seed`.
    static func hash128(_ key: UnsafeRawBufferPointer, seed: UInt64 = 0) -> (first: UInt64, second: UInt64) {
        var h1 = seed
        var h2 = seed
        let blockCount = key.count / blockByteCount
        for block in 0..<blockCount {
            let offset = block * blockByteCount
            mixBody(word1: littleEndianWord(key, at: offset), word2: littleEndianWord(key, at: offset + 8),
                    h1: &h1, h2: &h2)
        }
        mixTail(key, from: blockCount * blockByteCount, h1: &h1, h2: &h2)
        return finalize(h1: h1, h2: h2, length: UInt64(key.count))
    }

    private static func mixBody(word1: UInt64, word2: UInt64, h1: inout UInt64, h2: inout UInt64) {
        h1 ^= mixK1(word1)
        h1 = rotateLeft(h1, 27) &+ h2
        h1 = h1 &* 5 &+ 0x52dc_e729
        h2 ^= mixK2(word2)
        h2 = rotateLeft(h2, 31) &+ h1
        h2 = h2 &* 5 &+ 0x3849_5ab5
    }

    /// The last `key.count % 16` bytes; each byte is sign-extended before shifting
    /// (Cassandra's quirk), so a byte >= 0x80 also flips every higher bit of its word.
    private static func mixTail(_ key: UnsafeRawBufferPointer, from start: Int, h1: inout UInt64, h2: inout UInt64) {
        let tailCount = key.count - start
        guard tailCount > 0 else { return }
        if tailCount > 8 {
            var k2: UInt64 = 0
            for index in stride(from: tailCount - 1, through: 8, by: -1) {
                k2 ^= signExtended(key[start + index]) << UInt64((index - 8) * 8)
            }
            h2 ^= mixK2(k2)
        }
        var k1: UInt64 = 0
        for index in stride(from: min(tailCount, 8) - 1, through: 0, by: -1) {
            k1 ^= signExtended(key[start + index]) << UInt64(index * 8)
        }
        h1 ^= mixK1(k1)
    }

    private static func finalize(h1 start1: UInt64, h2 start2: UInt64, length: UInt64) -> (first: UInt64, second: UInt64) {
        var h1 = start1 ^ length
        var h2 = start2 ^ length
        h1 = h1 &+ h2
        h2 = h2 &+ h1
        h1 = finalMix(h1)
        h2 = finalMix(h2)
        h1 = h1 &+ h2
        h2 = h2 &+ h1
        return (h1, h2)
    }

    private static func mixK1(_ k: UInt64) -> UInt64 { rotateLeft(k &* constant1, 31) &* constant2 }

    private static func mixK2(_ k: UInt64) -> UInt64 { rotateLeft(k &* constant2, 33) &* constant1 }

    /// `fmix64`: Java's `>>>` is the unsigned shift used here.
    private static func finalMix(_ input: UInt64) -> UInt64 {
        var k = input
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    private static func rotateLeft(_ value: UInt64, _ distance: UInt64) -> UInt64 {
        (value << distance) | (value >> (64 - distance))
    }

    private static func signExtended(_ byte: UInt8) -> UInt64 {
        UInt64(bitPattern: Int64(Int8(bitPattern: byte)))
    }

    private static func littleEndianWord(_ key: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        var word: UInt64 = 0
        for index in stride(from: 7, through: 0, by: -1) {
            word = word << 8 | UInt64(key[offset + index])
        }
        return word
    }
}
