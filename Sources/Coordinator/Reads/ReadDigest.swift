/// A 128-bit digest of a replica's answer to a read: what a replica asked only for a digest
/// sends instead of the data, and what the coordinator compares against the data it got.
///
/// The input is the canonical bytes of the answer, its `ReplicaMessageCodec` encoding
/// (version 1 data reply, tombstones and `isExhausted` included), so two replicas that hold
/// the same data for the read produce the same digest. The coordinator hashes a remote data
/// answer after decoding it; that gives the replica's bytes back because rows keep `Row`'s
/// contract (cells sorted, one version of each), which decoding would otherwise impose. The hash is two independent 64-bit
/// lanes (FORMAT.md, "Read digests", explains the choice): not cryptographic, since replicas
/// are trusted, but every input bit reaches every output bit, so unequal answers collide
/// with a chance near 2^-128.
public struct ReadDigest: Sendable, Hashable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The digest of `response` as a replica would compute it.
    public static func of(_ response: ReadResponse) -> ReadDigest {
        ReadDigest(hashing: ReplicaMessageCodec.encode(response))
    }

    /// The digest of `bytes`. Costs about six multiplications per 8 bytes.
    public init(hashing bytes: [UInt8]) {
        var first = DigestLane.first
        var second = DigestLane.second
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset + 8 <= buffer.count {
                let word = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                first.absorb(word)
                second.absorb(word)
                offset += 8
            }
            // The last 1-7 bytes, zero-padded; the length (mixed in at the end) tells a
            // padded tail from real zero bytes.
            guard offset < buffer.count else { return }
            var tail: UInt64 = 0
            for index in offset..<buffer.count { tail |= UInt64(buffer[index]) << (8 * UInt64(index - offset)) }
            first.absorb(tail)
            second.absorb(tail)
        }
        self.init(high: first.finish(length: bytes.count), low: second.finish(length: bytes.count))
    }

    /// `digest <high>:<low>`, each 16 hex digits.
    public var description: String { "digest \(Self.hex(high)):\(Self.hex(low))" }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// One 64-bit lane of `ReadDigest`. Each word is first scrambled by a full-avalanche mixer
/// (after adding the lane's key), then folded into the state by xor, rotate and an odd
/// multiply. Both steps are bijective, so two inputs of equal length that differ in one word
/// always end in different states; the lanes differ in key, rotation and multiplier, so a
/// collision in one lane says nothing about the other.
struct DigestLane {
    private var state: UInt64
    private let key: UInt64
    private let rotation: UInt64
    private let multiplier: UInt64

    static let first = DigestLane(state: 0x243F_6A88_85A3_08D3, key: 0x9E37_79B9_7F4A_7C15, rotation: 27,
                                  multiplier: 0xD6E8_FEB8_6659_FD93)
    static let second = DigestLane(state: 0x1319_8A2E_0370_7344, key: 0xC2B2_AE3D_27D4_EB4F, rotation: 31,
                                   multiplier: 0x9FB2_1C65_1E98_DF25)

    mutating func absorb(_ word: UInt64) {
        let mixed = state ^ Self.mix(word &+ key)
        state = ((mixed << rotation) | (mixed >> (64 - rotation))) &* multiplier &+ key
    }

    func finish(length: Int) -> UInt64 {
        Self.mix(state ^ (UInt64(length) &* multiplier))
    }

    /// Stafford's variant 13 of the MurmurHash3 finalizer (the one splitmix64 uses): a
    /// bijection where each input bit flips each output bit with probability near 1/2.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
