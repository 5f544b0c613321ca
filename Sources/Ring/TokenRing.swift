import KVCore

/// The ring: every node's tokens, sorted, and who owns each. An immutable value; a topology
/// change builds a new ring (`adding`, `removing`).
///
/// Ring position `index` is the `index`-th smallest token; it owns the range from the
/// previous position's token (exclusive; the last token for position 0) to its own token
/// (inclusive). A token is owned by the first ring token at or after it, wrapping past
/// `Token.maximum` to position 0. Lookups cost O(log n) in the number of ring tokens;
/// building costs O(n log n). Safe to share across threads.
public struct TokenRing: Sendable {
    /// Every ring token in ascending order.
    public let tokens: [Token]
    /// `owners[index]` owns `tokens[index]`.
    public let owners: [HostID]
    /// Every node on the ring by id.
    public let nodes: [HostID: RingNode]
    /// The node and rack counts of every datacenter with nodes on the ring.
    public let datacenters: [String: DatacenterSummary]

    /// The ring with no nodes.
    public static let empty = TokenRing(sortedTokens: [], owners: [], nodes: [:])

    /// A ring of `members`, each a node with its tokens. Refuses duplicate tokens (naming the
    /// two owners, smaller id first) or ids, `Token.minimum`, nodes without tokens and counts
    /// past `RingLimits`.
    public init(_ members: [(node: RingNode, tokens: [Token])]) throws(TokenRingError) {
        guard members.count <= RingLimits.maximumNodes else { throw .tooManyNodes(count: members.count) }
        var nodes: [HostID: RingNode] = [:]
        var entries: [(token: Token, owner: HostID)] = []
        for member in members {
            try Self.validate(member.node, tokens: member.tokens, known: nodes)
            nodes[member.node.id] = member.node
            entries += member.tokens.map { ($0, member.node.id) }
        }
        entries.sort { ($0.token, $0.owner) < ($1.token, $1.owner) }
        for (previous, next) in zip(entries, entries.dropFirst()) where previous.token == next.token {
            throw .duplicateToken(next.token, first: previous.owner, second: next.owner)
        }
        self.init(sortedTokens: entries.map(\.token), owners: entries.map(\.owner), nodes: nodes)
    }

    private init(sortedTokens: [Token], owners: [HostID], nodes: [HostID: RingNode]) {
        self.tokens = sortedTokens
        self.owners = owners
        self.nodes = nodes
        self.datacenters = DatacenterSummary.summarize(nodes.values)
    }

    private static func validate(_ node: RingNode, tokens: [Token], known: [HostID: RingNode]) throws(TokenRingError) {
        guard known[node.id] == nil else { throw .duplicateNode(node.id) }
        guard !tokens.isEmpty else { throw .noTokens(node.id) }
        guard tokens.count <= RingLimits.maximumTokensPerNode else {
            throw .tooManyTokens(node.id, count: tokens.count)
        }
        guard !tokens.contains(.minimum) else { throw .minimumTokenNotAllowed(node.id) }
    }

    /// The number of tokens on the ring.
    public var count: Int { tokens.count }

    /// Whether no node is on the ring.
    public var isEmpty: Bool { tokens.isEmpty }

    /// Every member with its tokens (ascending), nodes ordered by id: the input that
    /// rebuilds this ring.
    public var members: [(node: RingNode, tokens: [Token])] {
        var tokensByNode: [HostID: [Token]] = [:]
        for (token, owner) in zip(tokens, owners) { tokensByNode[owner, default: []].append(token) }
        return nodes.keys.sorted().map { id in (nodes[id]!, tokensByNode[id] ?? []) }
    }

    /// The tokens of node `id`, ascending; empty if it is not on the ring. O(n).
    public func tokens(of id: HostID) -> [Token] {
        zip(tokens, owners).filter { $0.1 == id }.map(\.0)
    }

    /// This ring plus `node` with `tokens`; the same checks as `init`.
    public func adding(_ node: RingNode, tokens newTokens: [Token]) throws(TokenRingError) -> TokenRing {
        try TokenRing(members + [(node, newTokens)])
    }

    /// This ring without node `id` (unchanged if it is not on the ring).
    public func removing(_ id: HostID) -> TokenRing {
        let kept = zip(tokens, owners).filter { $0.1 != id }
        var remainingNodes = nodes
        remainingNodes[id] = nil
        return TokenRing(sortedTokens: kept.map(\.0), owners: kept.map(\.1), nodes: remainingNodes)
    }

    /// This ring restricted to the nodes of `datacenter`.
    public func restricted(toDatacenter datacenter: String) -> TokenRing {
        let kept = zip(tokens, owners).filter { nodes[$0.1]?.datacenter == datacenter }
        return TokenRing(sortedTokens: kept.map(\.0), owners: kept.map(\.1),
                         nodes: nodes.filter { $0.value.datacenter == datacenter })
    }
}
