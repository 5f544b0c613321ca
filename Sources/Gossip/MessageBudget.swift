/// Tracks how much of `maxMessageSizeBytes` and `maxEndpointsPerMessage` a message being
/// built has used, so that what the gossiper sends always decodes on the other side.
struct MessageBudget {
    private(set) var remainingBytes: Int
    /// The most items one list of the message may hold.
    let maxEntries: Int

    /// A budget for one message: the header and two list counts are reserved up front.
    init(configuration: GossipConfiguration) {
        maxEntries = configuration.maxEndpointsPerMessage
        let countSize = GossipWire.varintSize(configuration.maxEndpointsPerMessage)
        remainingBytes = configuration.maxMessageSizeBytes - GossipWire.headerSizeBytes - 2 * countSize
    }

    /// Takes `sizeBytes` unconditionally (fixed parts such as the cluster name).
    mutating func reserve(_ sizeBytes: Int) {
        remainingBytes -= sizeBytes
    }

    /// Takes `sizeBytes` if it fits and returns true; otherwise takes nothing.
    mutating func take(_ sizeBytes: Int) -> Bool {
        guard sizeBytes <= remainingBytes else { return false }
        remainingBytes -= sizeBytes
        return true
    }

    /// True when items of these sizes all fit (without taking them).
    func fitsAll(_ sizesBytes: [Int]) -> Bool {
        sizesBytes.count <= maxEntries && sizesBytes.reduce(0, +) <= remainingBytes
    }

    /// How many of these items, in order, fit; takes them.
    mutating func countFitting(_ sizesBytes: [Int]) -> Int {
        var count = 0
        for size in sizesBytes {
            guard count < maxEntries, take(size) else { break }
            count += 1
        }
        return count
    }
}
