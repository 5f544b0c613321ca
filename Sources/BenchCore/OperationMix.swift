/// A weighted choice among operation names, parsed from `name=weight,name=weight`.
public struct OperationMix: Sendable, Equatable, CustomStringConvertible {
    /// The names, in the order given.
    public let names: [String]
    /// Each name's weight (positive integers).
    public let weights: [Int]
    private let totalWeight: Int

    /// Parses `read=8,update=2`; nil when malformed, a weight is not a positive integer, or a
    /// name is not in `allowed`.
    public init?(parsing text: String, allowed: Set<String>) {
        var names: [String] = [], weights: [Int] = []
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces() }
            guard pair.count == 2, allowed.contains(pair[0]), !names.contains(pair[0]),
                  let weight = Int(pair[1]), weight > 0 else { return nil }
            names.append(pair[0])
            weights.append(weight)
        }
        guard !names.isEmpty else { return nil }
        self.names = names
        self.weights = weights
        totalWeight = weights.reduce(0, +)
    }

    /// A name drawn with probability weight / total.
    public func choose(using random: inout SplitMixRandom) -> String {
        var point = Int(random.next() % UInt64(totalWeight))
        for (index, weight) in weights.enumerated() {
            if point < weight { return names[index] }
            point -= weight
        }
        return names[names.count - 1]
    }

    public var description: String {
        zip(names, weights).map { "\($0)=\($1)" }.joined(separator: ",")
    }
}

extension String {
    /// The string without leading and trailing spaces (no Foundation).
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
