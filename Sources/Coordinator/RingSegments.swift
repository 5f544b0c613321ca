import KVCore
import Ring

/// The ring cut into storage-key ranges in token order, each with its replicas; adjacent
/// ranges with the same replicas are joined, so a scan asks each replica set once.
enum RingSegments {
    struct Segment: Equatable {
        /// First storage key (inclusive); nil from the start.
        var from: [UInt8]?
        /// End storage key (exclusive); nil to the end.
        var to: [UInt8]?
        var replicas: [HostID]
    }

    static func segments(of map: ReplicaMap) -> [Segment] {
        let tokens = map.ring.tokens
        guard !tokens.isEmpty else { return [] }
        var segments: [Segment] = []
        func add(from: [UInt8]?, to: [UInt8]?, replicas: [HostID]) {
            // The same replicas in another order serve a read equally (it orders them itself).
            if let last = segments.last, Set(last.replicas) == Set(replicas), last.to == from {
                segments[segments.count - 1].to = to
            } else {
                segments.append(Segment(from: from, to: to, replicas: replicas))
            }
        }
        // Position i owns (tokens[i-1], tokens[i]]; position 0 also owns what lies past the last token.
        var from: [UInt8]? = nil
        for (index, token) in tokens.enumerated() {
            let to = bound(after: token)
            add(from: from, to: to, replicas: map.replicasByPosition[index])
            guard let to else { return segments }
            from = to
        }
        add(from: from, to: nil, replicas: map.replicasByPosition[0])
        return segments
    }

    /// The segments that meet `from..<to` (nil: open), cut to it.
    static func segments(of map: ReplicaMap, clippedTo from: [UInt8]?, _ to: [UInt8]?) -> [Segment] {
        segments(of: map).compactMap { segment in
            var clipped = segment
            if let from, segment.from.map({ $0.lexicographicallyPrecedes(from) }) ?? true { clipped.from = from }
            if let to, segment.to.map({ to.lexicographicallyPrecedes($0) }) ?? true { clipped.to = to }
            if let start = clipped.from, let end = clipped.to, !start.lexicographicallyPrecedes(end) { return nil }
            return clipped
        }
    }

    /// The smallest storage key whose token is above `token`; nil past the maximum.
    static func bound(after token: Token) -> [UInt8]? {
        token == .maximum ? nil : StoragePartitionKey.lowerBound(Token(token.value + 1))
    }
}
