import Foundation

/// Draws ranks 1...n with P(k) proportional to 1/k^exponent, in O(1) time and memory, by
/// rejection-inversion (Hörmann and Derflinger 1996, as in Apache Commons RNG). Unlike
/// YCSB's generator it needs no O(n) zeta sum at start and accepts any exponent > 0,
/// including 1.
///
/// Pure: the caller passes the random source. Rank 1 is the most frequent.
public struct ZipfianGenerator: Sendable {
    /// How many ranks there are.
    public let count: Int
    /// The exponent s of 1/k^s.
    public let exponent: Double
    private let hIntegralX1: Double
    private let hIntegralCount: Double
    private let squeeze: Double

    /// A generator over 1...count; requires count >= 1 and exponent > 0.
    public init(count: Int, exponent: Double) {
        precondition(count >= 1 && exponent > 0, "zipfian needs count >= 1 and exponent > 0")
        self.count = count
        self.exponent = exponent
        hIntegralX1 = Self.hIntegral(1.5, exponent) - 1
        hIntegralCount = Self.hIntegral(Double(count) + 0.5, exponent)
        squeeze = 2 - Self.hIntegralInverse(Self.hIntegral(2.5, exponent) - Self.h(2, exponent), exponent)
    }

    /// The next rank, in 1...count.
    public func next(using random: inout SplitMixRandom) -> Int {
        while true {
            let u = hIntegralCount + random.nextUnitInterval() * (hIntegralX1 - hIntegralCount)
            let x = Self.hIntegralInverse(u, exponent)
            let k = min(max(Int(x + 0.5), 1), count)
            if Double(k) - x <= squeeze || u >= Self.hIntegral(Double(k) + 0.5, exponent) - Self.h(Double(k), exponent) {
                return k
            }
        }
    }

    private static func h(_ x: Double, _ exponent: Double) -> Double { exp(-exponent * log(x)) }

    private static func hIntegral(_ x: Double, _ exponent: Double) -> Double {
        let logX = log(x)
        return helper2((1 - exponent) * logX) * logX
    }

    private static func hIntegralInverse(_ x: Double, _ exponent: Double) -> Double {
        let t = max(x * (1 - exponent), -1)
        return exp(helper1(t) * x)
    }

    /// log1p(x)/x, continuous at 0.
    private static func helper1(_ x: Double) -> Double {
        abs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }

    /// expm1(x)/x, continuous at 0.
    private static func helper2(_ x: Double) -> Double {
        abs(x) > 1e-8 ? expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3.0) * (1 + 0.25 * x))
    }
}
