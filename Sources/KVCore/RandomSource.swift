import Synchronization

/// The source of randomness. Logic draws random numbers only through a `RandomSource`,
/// so that a seed replays a run exactly.
public protocol RandomSource: Sendable {
    /// 64 uniformly distributed random bits.
    func nextUInt64() -> UInt64
}

extension RandomSource {
    /// A uniform integer in `0..<bound`; `bound` must be positive.
    public func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "bound must be positive")
        // Lemire's multiply-shift; the tiny bias is irrelevant for our uses.
        return nextUInt64().multipliedFullWidth(by: bound).high
    }

    /// A uniform integer in `range`.
    public func next(in range: Range<Int>) -> Int {
        range.lowerBound + Int(next(below: UInt64(range.count)))
    }

    /// True with probability `probability`.
    public func chance(_ probability: Double) -> Bool {
        Double(nextUInt64() >> 11) / Double(1 << 53) < probability
    }
}

/// The system's cryptographic generator.
public struct SystemRandomSource: RandomSource {
    public init() {}
    public func nextUInt64() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }
}

/// A deterministic generator (SplitMix64) for tests and the simulator. Thread-safe.
public final class SeededRandomSource: RandomSource {
    private let state: Mutex<UInt64>

    public init(seed: UInt64) { state = Mutex(seed) }

    public func nextUInt64() -> UInt64 {
        state.withLock { value in
            value &+= 0x9E37_79B9_7F4A_7C15
            return SplitMix64.mix(value)
        }
    }
}

/// The SplitMix64 finaliser, also the generator of the `profiles` benchmark dataset.
public enum SplitMix64 {
    /// Mixes an already-incremented state into a well-distributed output.
    @inlinable
    public static func mix(_ input: UInt64) -> UInt64 {
        var z = input
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `splitmix64(x)` as PERFORMANCE.md defines it.
    @inlinable
    public static func hash(_ x: UInt64) -> UInt64 { mix(x &+ 0x9E37_79B9_7F4A_7C15) }
}
