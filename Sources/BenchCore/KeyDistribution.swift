/// How a workload picks the key (or row) of each operation within its key range.
public enum KeyDistribution: Sendable, Equatable, CustomStringConvertible {
    /// Every key equally likely.
    case uniform
    /// Key i (from the start of the range) with probability proportional to 1/(i+1)^exponent.
    case zipfian(exponent: Double)
    /// Keys in order, one per operation, wrapping at the end of the range.
    case sequential

    /// Parses `uniform`, `sequential`, `zipfian` (exponent 0.99, YCSB's) or `zipfian:1.2`.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "uniform" where parts.count == 1: self = .uniform
        case "sequential" where parts.count == 1: self = .sequential
        case "zipfian":
            let exponent = parts.count == 2 ? Double(parts[1]) : 0.99
            guard let exponent, exponent > 0 else { return nil }
            self = .zipfian(exponent: exponent)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .uniform: return "uniform"
        case .sequential: return "sequential"
        case .zipfian(let exponent): return "zipfian:\(exponent)"
        }
    }
}

/// Picks key numbers in `offset ..< offset + count` by a `KeyDistribution`. Pure: the caller
/// passes the operation's ticket (its global sequence number, which `sequential` uses) and
/// its worker's random source, so several bench processes can split one key space by
/// giving each its own offset and count.
public struct KeyChooser: Sendable {
    /// The first key number.
    public let offset: Int
    /// How many key numbers there are; at least 1.
    public let count: Int
    /// The distribution.
    public let distribution: KeyDistribution
    private let zipfian: ZipfianGenerator?

    /// A chooser over `offset ..< offset + count`; requires count >= 1.
    public init(offset: Int, count: Int, distribution: KeyDistribution) {
        precondition(count >= 1, "a key range holds at least one key")
        self.offset = offset
        self.count = count
        self.distribution = distribution
        if case .zipfian(let exponent) = distribution {
            zipfian = ZipfianGenerator(count: count, exponent: exponent)
        } else {
            zipfian = nil
        }
    }

    /// The key number of the operation numbered `ticket`.
    public func key(ticket: Int, random: inout SplitMixRandom) -> Int {
        switch distribution {
        case .uniform: return offset + Int(random.next() % UInt64(count))
        case .sequential: return offset + ticket % count
        case .zipfian: return offset + zipfian!.next(using: &random) - 1
        }
    }
}
