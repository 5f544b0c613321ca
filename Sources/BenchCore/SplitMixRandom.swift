/// SplitMix64 (Steele, Lea, Flood 2014): the generator PERFORMANCE.md §3 defines the
/// `profiles` dataset with, and a fast seeded random source for the bench's workers.
///
/// A value type: each worker owns its own, so drawing needs no lock. Not cryptographic.
public struct SplitMixRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next value of the sequence.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The generator of worker `index` in phase `phase` of a run seeded `seed`. Seeding
    /// workers with `seed + index` would give each the next one's sequence shifted by one
    /// draw (the state only ever adds a constant); hashing the seed puts the streams at
    /// unrelated points of the cycle.
    public static func stream(seed: UInt64, index: Int, phase: UInt64 = 0) -> SplitMixRandom {
        SplitMixRandom(seed: mix(seed &+ mix(UInt64(index) &+ 1) &+ mix(phase &+ 0x5851_F42D_4C95_7F2D)))
    }

    /// The finalizer alone: `splitmix64(x)` of PERFORMANCE.md §3 is `mix(x + golden gamma)`.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `splitmix64(x)` exactly as PERFORMANCE.md §3 writes it.
    public static func splitmix64(_ x: UInt64) -> UInt64 { mix(x &+ 0x9E37_79B9_7F4A_7C15) }

    /// A double uniform in [0, 1) from the top 53 bits.
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
