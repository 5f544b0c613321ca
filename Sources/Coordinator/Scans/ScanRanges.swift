import KVCore
import Ring

/// The token sub-ranges a filtered scan reads, in token order: the ring's segments (each
/// with its replicas) cut into pieces of about `targetRowsPerRange` rows, so that the pieces
/// can be scanned in parallel and each replica request stays short.
enum ScanRanges {
    struct Range: Equatable {
        /// First storage key (inclusive); nil from the start.
        var from: [UInt8]?
        /// End storage key (exclusive); nil to the end.
        var to: [UInt8]?
        var replicas: [HostID]
    }

    /// About how many rows one sub-range should hold.
    static let targetRowsPerRange = 65_536
    /// The most sub-ranges a scan is cut into.
    static let maxRanges = 4_096

    /// The sub-ranges of `from..<to` (nil: open), `estimatedRows` being the table's rows in
    /// the whole ring.
    static func plan(_ map: ReplicaMap, from: [UInt8]?, to: [UInt8]?, estimatedRows: Int) -> [Range] {
        let segments = RingSegments.segments(of: map, clippedTo: from, to)
        let wanted = min(maxRanges, max(1, estimatedRows / targetRowsPerRange))
        var ranges: [Range] = []
        for segment in segments {
            let share = Double(width(segment.from, segment.to)) / Double(UInt64.max)
            let pieces = max(1, Int((Double(wanted) * share).rounded()))
            ranges += split(segment, into: pieces)
        }
        return ranges
    }

    /// `segment` cut into `pieces` parts of equal token width (fewer if it is narrower).
    private static func split(_ segment: RingSegments.Segment, into pieces: Int) -> [Range] {
        let first = startToken(segment.from), span = width(segment.from, segment.to)
        guard pieces > 1, span >= UInt64(pieces) else {
            return [Range(from: segment.from, to: segment.to, replicas: segment.replicas)]
        }
        var ranges: [Range] = []
        var start = segment.from
        for index in 1..<pieces {
            let offset = UInt64((Double(span) * Double(index) / Double(pieces)).rounded(.down))
            let token = Token(Int64(bitPattern: UInt64(bitPattern: first.value) &+ offset))
            let bound = StoragePartitionKey.lowerBound(token)
            if let start, !start.lexicographicallyPrecedes(bound) { continue }
            ranges.append(Range(from: start, to: bound, replicas: segment.replicas))
            start = bound
        }
        ranges.append(Range(from: start, to: segment.to, replicas: segment.replicas))
        return ranges
    }

    /// The fraction of the ring `map` places on `host`, by token width.
    static func ownedFraction(of host: HostID, in map: ReplicaMap) -> Double {
        let owned = RingSegments.segments(of: map).filter { $0.replicas.contains(host) }
        return owned.reduce(0.0) { $0 + Double(width($1.from, $1.to)) } / Double(UInt64.max)
    }

    private static func startToken(_ key: [UInt8]?) -> Token {
        key.map(StoragePartitionKey.token(of:)) ?? .minimum
    }

    /// The number of tokens from `from` to `to` (nil: the ring's ends).
    private static func width(_ from: [UInt8]?, _ to: [UInt8]?) -> UInt64 {
        let start = UInt64(bitPattern: startToken(from).value), end = UInt64(bitPattern: (to.map(StoragePartitionKey.token(of:)) ?? .maximum).value)
        return end &- start
    }
}
