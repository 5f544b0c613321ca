/// Operation latencies in nanoseconds, in log-linear buckets: exact below 128 ns, then 64
/// buckets per power of two (under 1.6% error), so percentiles cost no per-sample storage.
/// One per thread; merged after the run.
struct LatencyHistogram: Sendable {
    static let exactLimit: UInt64 = 128
    static let subBucketBits = 6
    static let bucketCount = 128 + (64 - 7) * 64

    private(set) var counts = [UInt64](repeating: 0, count: bucketCount)
    private(set) var count: UInt64 = 0
    private(set) var sumNanos: Double = 0
    private(set) var sumSquaresNanos: Double = 0
    private(set) var minNanos: UInt64 = .max
    private(set) var maxNanos: UInt64 = 0

    @inline(__always)
    mutating func record(nanos: UInt64) {
        counts[Self.bucket(of: nanos)] += 1
        count += 1
        let value = Double(nanos)
        sumNanos += value
        sumSquaresNanos += value * value
        minNanos = min(minNanos, nanos)
        maxNanos = max(maxNanos, nanos)
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in 0..<Self.bucketCount { counts[index] += other.counts[index] }
        count += other.count
        sumNanos += other.sumNanos
        sumSquaresNanos += other.sumSquaresNanos
        minNanos = min(minNanos, other.minNanos)
        maxNanos = max(maxNanos, other.maxNanos)
    }

    @inline(__always)
    static func bucket(of nanos: UInt64) -> Int {
        if nanos < exactLimit { return Int(nanos) }
        let exponent = 63 - nanos.leadingZeroBitCount
        let subBucket = Int((nanos >> UInt64(exponent - subBucketBits)) & 63)
        return 128 + (exponent - 7) * 64 + subBucket
    }

    /// The middle of a bucket's range, in nanoseconds.
    static func midpoint(of bucket: Int) -> Double {
        if bucket < Int(exactLimit) { return Double(bucket) }
        let exponent = (bucket - 128) / 64 + 7
        let subBucket = (bucket - 128) % 64
        let width = Double(UInt64(1) << UInt64(exponent - subBucketBits))
        let low = Double(UInt64(1) << UInt64(exponent)) + Double(subBucket) * width
        return low + width / 2
    }

    /// The latency at `fraction` (0...1) of the samples, in nanoseconds.
    func percentileNanos(_ fraction: Double) -> Double {
        guard count > 0 else { return 0 }
        let rank = UInt64((fraction * Double(count)).rounded(.up))
        var seen: UInt64 = 0
        for bucket in 0..<Self.bucketCount {
            seen += counts[bucket]
            if seen >= max(rank, 1) {
                return min(max(Self.midpoint(of: bucket), Double(minNanos)), Double(maxNanos))
            }
        }
        return Double(maxNanos)
    }

    /// db_bench's summary lines (without its bucket table), in microseconds.
    func report(operationName: String) -> [String] {
        guard count > 0 else { return [] }
        let micros = { (nanos: Double) in nanos / 1000 }
        let average = sumNanos / Double(count)
        let variance = max(0, sumSquaresNanos / Double(count) - average * average)
        return [
            "Microseconds per \(operationName):",
            cFormat("Count: %llu Average: %.4f  StdDev: %.2f", count, micros(average), micros(variance.squareRoot())),
            cFormat("Min: %.3f  Median: %.4f  Max: %.3f", micros(Double(minNanos)), micros(percentileNanos(0.5)),
                    micros(Double(maxNanos))),
            cFormat("Percentiles: P50: %.2f P75: %.2f P99: %.2f P99.9: %.2f P99.99: %.2f",
                    micros(percentileNanos(0.5)), micros(percentileNanos(0.75)), micros(percentileNanos(0.99)),
                    micros(percentileNanos(0.999)), micros(percentileNanos(0.9999))),
            "",
        ]
    }
}
