/// The size of the values a write workload writes: fixed, or uniform in a closed range.
public struct ValueSize: Sendable, Equatable, CustomStringConvertible {
    /// The smallest size, bytes.
    public let minimumBytes: Int
    /// The largest size, bytes (equal to `minimumBytes` when fixed).
    public let maximumBytes: Int

    /// Parses `100` or `50..200`; sizes are non-negative and at most `limitBytes`.
    public init?(parsing text: String, limitBytes: Int = 16 << 20) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: true).map { Int($0) }
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return nil }
        if parts.count == 2 && !text.contains("..") { return nil }
        let low = parts[0]!, high = parts.last!!
        guard low >= 0, low <= high, high <= limitBytes else { return nil }
        minimumBytes = low
        maximumBytes = high
    }

    /// A fixed size.
    public init(fixedBytes: Int) {
        minimumBytes = fixedBytes
        maximumBytes = fixedBytes
    }

    /// The size of the next value.
    public func next(using random: inout SplitMixRandom) -> Int {
        guard maximumBytes > minimumBytes else { return minimumBytes }
        return minimumBytes + Int(random.next() % UInt64(maximumBytes - minimumBytes + 1))
    }

    public var description: String {
        minimumBytes == maximumBytes ? "\(minimumBytes)" : "\(minimumBytes)..\(maximumBytes)"
    }
}
