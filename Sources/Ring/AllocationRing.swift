import KVCore

/// The working state of one `TokenAllocator` run: one datacenter's ring as token values,
/// owners as small integers (the joining node is the last), and each node's primary and
/// effective ownership, kept current as the joining node's tokens are placed.
///
/// Replica sets are those of `SimpleStrategy` with `replicationFactor` (capped at the node
/// count) over this ring. Internal to the allocator; not thread-shared.
struct AllocationRing {
    /// The token values, ascending.
    private(set) var positions: [Int64] = []
    /// `owners[index]` owns `positions[index]`.
    private(set) var owners: [Int] = []
    /// The fraction of the ring each position owns.
    private(set) var sizes: [Double] = []
    /// The replicas of each position's range.
    private(set) var replicas: [[Int]] = []
    /// Each node's primary ownership.
    private(set) var primary: [Double] = []
    /// Each node's effective ownership.
    private(set) var effective: [Double] = []
    /// The joining node's index (the last).
    let newNode: Int
    /// Nodes including the joining one.
    let nodeCount: Int
    /// Replicas per range: the requested factor, at most `nodeCount`.
    let replicationFactor: Int
    /// Ownership before the first new token, the start of the targets' path.
    private var startPrimary: [Double] = []
    private var startEffective: [Double] = []
    /// The joining node's tokens placed so far, ascending.
    var newTokens: [Token] {
        positions.indices.filter { owners[$0] == newNode }.map { Token(positions[$0]) }
    }

    /// The objective's weights.
    let weights: ObjectiveWeights
    /// A new token takes at least this fraction of the range it splits and leaves at least
    /// this fraction to the old owner, so no range becomes vanishingly small.
    static let minimumSplitFraction = 0.05
    /// The jitter added to a new token is below its range's width over this: it changes
    /// ownership by under 0.1% of one range, and keeps two nodes that allocate against the
    /// same ring at once (which should not happen: joins go one at a time) from choosing the
    /// very same tokens.
    static let jitterDivisor: UInt64 = 1024
    /// Ranges with fewer token values than this are never split (2^20: far more than the
    /// tokens other datacenters could have inside it).
    static let minimumSplittableWidth: UInt64 = 1 << 20

    /// The state for `joining` to enter `ring` (one datacenter's nodes, not empty).
    init(ring: TokenRing, joining: HostID, replicationFactor requested: Int, tokensPerNode: Int) {
        let ids = ring.nodes.keys.sorted()
        let indexByID = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        newNode = ids.count
        nodeCount = ids.count + 1
        replicationFactor = min(requested, nodeCount)
        weights = ObjectiveWeights(replicationFactor: replicationFactor, tokensPerNode: tokensPerNode,
                                   tokenCountAfterJoin: ring.count + tokensPerNode)
        positions = ring.tokens.map(\.value)
        owners = ring.owners.map { indexByID[$0]! }
        recompute()
        startPrimary = primary
        startEffective = effective
    }

    /// Splits the range, at the point, that best moves ownership toward the targets at
    /// `progress` (the share of the joining node's tokens placed after this one, in (0, 1]).
    /// The new token avoids `occupied` (every token of the whole ring) and `Token.minimum`.
    /// Returns false, changing nothing, when no range is wide enough to split. `random`
    /// jitters the token slightly (see `jitterDivisor`).
    mutating func placeBestToken(progress: Double, avoiding occupied: Set<Token>,
                                 random: some RandomSource) -> Bool {
        let residuals = residuals(progress: progress)
        var best: (score: Double, position: Int, fraction: Double)?
        for position in positions.indices where owners[position] != newNode && isSplittable(position) {
            let candidate = evaluateSplit(of: position, residuals: residuals)
            if best == nil || candidate.score < best!.score {
                best = (candidate.score, position, candidate.fraction)
            }
        }
        guard let best else { return false }
        insertToken(splitting: best.position, fraction: best.fraction, avoiding: occupied, random: random)
        return true
    }

    /// Whether the range of `position` has room for a new token well inside it.
    private func isSplittable(_ position: Int) -> Bool {
        positions.count == 1 || UInt64(bitPattern: positions[position] &- positions[previous(position)])
            >= Self.minimumSplittableWidth
    }

    /// Ownership minus target, per node, when `progress` of the new tokens are placed.
    private func residuals(progress: Double) -> OwnershipResiduals {
        let evenPrimary = 1 / Double(nodeCount)
        let evenEffective = Double(replicationFactor) / Double(nodeCount)
        func residual(_ now: Double, _ start: Double, _ even: Double) -> Double {
            now - (start + (even - start) * progress)
        }
        return OwnershipResiduals(
            primary: (0..<nodeCount).map { residual(primary[$0], startPrimary[$0], evenPrimary) },
            effective: (0..<nodeCount).map { residual(effective[$0], startEffective[$0], evenEffective) })
    }

    /// Inserts a token of the new node taking `fraction` of the ring from the start of the
    /// range of `position`, plus a jitter, moved forward past any occupied value.
    private mutating func insertToken(splitting position: Int, fraction: Double, avoiding occupied: Set<Token>,
                                      random: some RandomSource) {
        let start = positions[previous(position)]
        let rangeWidth = positions.count == 1 ? UInt64.max : UInt64(bitPattern: positions[position] &- start)
        let jitter = random.next(below: max(rangeWidth / Self.jitterDivisor, 1))
        let exact = min(max(UInt64(fraction * TokenRange.ringSize), 1), rangeWidth - 1)
        var width = exact + min(jitter, rangeWidth - 1 - exact)
        var token = Token(start &+ Int64(bitPattern: width))
        while token == .minimum || occupied.contains(token) {
            precondition(width < rangeWidth - 1, "no free token inside the range")
            width += 1
            token = Token(start &+ Int64(bitPattern: width))
        }
        let entries = (zip(positions, owners) + [(token.value, newNode)]).sorted { $0.0 < $1.0 }
        positions = entries.map(\.0)
        owners = entries.map(\.1)
        recompute()
    }

    /// Recomputes sizes, replica sets and ownership from `positions` and `owners`.
    private mutating func recompute() {
        sizes = positions.indices.map { index in
            positions.count == 1 ? 1
                : Double(UInt64(bitPattern: positions[index] &- positions[previous(index)])) / TokenRange.ringSize
        }
        replicas = positions.indices.map { walk(from: $0, newTokenBefore: nil) }
        primary = Array(repeating: 0, count: nodeCount)
        effective = Array(repeating: 0, count: nodeCount)
        for index in positions.indices {
            primary[owners[index]] += sizes[index]
            for replica in replicas[index] { effective[replica] += sizes[index] }
        }
    }

    /// The replicas of the range ending at `start`, walking clockwise; with
    /// `newTokenBefore`, as if a token of the new node sat just before that position.
    func walk(from start: Int, newTokenBefore insertion: Int?) -> [Int] {
        var found: [Int] = []
        var position = start
        func offer(_ node: Int) {
            if found.count < replicationFactor && !found.contains(node) { found.append(node) }
        }
        for _ in positions.indices {
            if found.count == replicationFactor { break }
            if position == insertion { offer(newNode) }
            offer(owners[position])
            position = next(position)
        }
        return found
    }

    func next(_ position: Int) -> Int { position + 1 == positions.count ? 0 : position + 1 }

    func previous(_ position: Int) -> Int { position == 0 ? positions.count - 1 : position - 1 }
}
