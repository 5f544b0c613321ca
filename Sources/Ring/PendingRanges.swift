import KVCore

/// The replicas that will gain ranges while nodes join or leave, so that writes reach them
/// before they take over: Cassandra's pending ranges (`TokenMetadata.calculatePendingRanges`).
///
/// - A leaving node stays a natural replica until it is gone; the nodes that will replace
///   it (the replicas in the ring without every leaving node) are pending where they are not
///   already natural.
/// - A joining (bootstrapping) node is pending for every range it would replicate in the ring
///   without the leaving nodes plus itself alone; each joiner is computed separately, as in
///   Cassandra, so concurrent joins each stream what their own bootstrap needs.
///
/// Writes go to `writeReplicas(for:)`: natural then pending. Reads use natural replicas only.
/// The token space is cut at every current and joining token; within each piece the answer
/// is constant. Building costs one replica map per joiner plus one; lookups O(log n).
public struct PendingRanges: Sendable {
    /// The natural replicas: the ring as it is now.
    public let natural: ReplicaMap
    /// Every current and joining token, ascending: piece `index` is `(boundaries[index - 1], boundaries[index]]`.
    private let boundaries: [Token]
    /// The pending replicas of each piece, without duplicates and without natural replicas.
    private let pendingByPiece: [[HostID]]

    /// The pending ranges of `strategy` while `joining` nodes (with their chosen tokens)
    /// bootstrap into `current` and `leaving` nodes (ids on `current`) decommission. Refuses
    /// joiners whose ids or tokens clash with the ring or one another.
    public init(current: TokenRing, joining: [(node: RingNode, tokens: [Token])] = [],
                leaving: Set<HostID> = [], strategy: some ReplicationStrategy) throws(TokenRingError) {
        let everyone = try TokenRing(current.members + joining)
        let remaining = leaving.reduce(current) { ring, id in ring.removing(id) }
        let afterLeaving = leaving.isEmpty ? nil : ReplicaMap(ring: remaining, strategy: strategy)
        var afterJoining: [(id: HostID, map: ReplicaMap)] = []
        for joiner in joining {
            let ring = try remaining.adding(joiner.node, tokens: joiner.tokens)
            afterJoining.append((joiner.node.id, ReplicaMap(ring: ring, strategy: strategy)))
        }
        let natural = ReplicaMap(ring: current, strategy: strategy)
        self.natural = natural
        boundaries = everyone.tokens
        pendingByPiece = everyone.tokens.map { token in
            Self.pending(at: token, natural: natural, afterLeaving: afterLeaving, afterJoining: afterJoining)
        }
    }

    private static func pending(at token: Token, natural: ReplicaMap, afterLeaving: ReplicaMap?,
                                afterJoining: [(id: HostID, map: ReplicaMap)]) -> [HostID] {
        let naturalReplicas = natural.replicas(for: token)
        var pending = (afterLeaving?.replicas(for: token) ?? []).filter { !naturalReplicas.contains($0) }
        for joiner in afterJoining where !pending.contains(joiner.id) {
            if joiner.map.replicas(for: token).contains(joiner.id) { pending.append(joiner.id) }
        }
        return pending
    }

    /// Whether no node gains anything (no change in progress touches this strategy).
    public var isEmpty: Bool { pendingByPiece.allSatisfy(\.isEmpty) }

    /// The nodes that will become replicas of `token` and are not yet: leaving nodes'
    /// successors first, then joiners in the order given.
    public func pendingReplicas(for token: Token) -> [HostID] {
        boundaries.isEmpty ? [] : pendingByPiece[pieceIndex(owning: token)]
    }

    /// Every node a write of `token` must reach: the natural replicas (primary first), then
    /// the pending ones.
    public func writeReplicas(for token: Token) -> [HostID] {
        natural.replicas(for: token) + pendingReplicas(for: token)
    }

    /// The ranges node `id` will gain, in ring order, adjacent pieces merged.
    public func pendingRanges(of id: HostID) -> [TokenRange] {
        var ranges: [TokenRange] = []
        for index in boundaries.indices where pendingByPiece[index].contains(id) {
            let piece = TokenRange(start: boundaries[(index + boundaries.count - 1) % boundaries.count],
                                   end: boundaries[index])
            if let last = ranges.last, last.end == piece.start {
                ranges[ranges.count - 1].end = piece.end
            } else {
                ranges.append(piece)
            }
        }
        return Self.mergingWrapAround(ranges)
    }

    /// Joins the last range to the first when the last ends where the first starts.
    private static func mergingWrapAround(_ ranges: [TokenRange]) -> [TokenRange] {
        guard ranges.count > 1, let first = ranges.first, let last = ranges.last, last.end == first.start else {
            return ranges
        }
        var merged = Array(ranges.dropLast())
        merged[0].start = last.start
        return merged
    }

    private func pieceIndex(owning token: Token) -> Int {
        var low = 0
        var high = boundaries.count
        while low < high {
            let middle = (low + high) / 2
            if boundaries[middle] < token { low = middle + 1 } else { high = middle }
        }
        return low == boundaries.count ? 0 : low
    }
}
