import KVCore

/// Which node owns which token: every node's tokens, sorted. A node's token t owns the range
/// (previous token, t]; the owner of a partition token is the node of the first ring token
/// ≥ it, wrapping to the first token (the drivers' `bisect_left`).
///
/// An immutable value; lookup is a binary search, O(log tokens).
public struct TokenMap: Sendable {
    private let tokens: [Int64]
    private let owners: [Int]

    /// Builds the map of `hosts` (indexes into it are what `owner(of:)` returns). When two
    /// nodes claim the same token the first one listed keeps it.
    public init(hosts: [ClusterHost]) {
        var entries: [(Int64, Int)] = []
        for (index, host) in hosts.enumerated() {
            for token in host.tokens { entries.append((token.value, index)) }
        }
        entries.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var tokens: [Int64] = []
        var owners: [Int] = []
        for (token, owner) in entries where tokens.last != token {
            tokens.append(token)
            owners.append(owner)
        }
        self.tokens = tokens
        self.owners = owners
    }

    /// Whether no node reported tokens.
    public var isEmpty: Bool { tokens.isEmpty }

    /// The index of the host owning `token`, or nil when the map is empty.
    public func owner(of token: Token) -> Int? {
        guard !tokens.isEmpty else { return nil }
        var low = 0
        var high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if tokens[middle] < token.value { low = middle + 1 } else { high = middle }
        }
        return owners[low == tokens.count ? 0 : low]
    }
}
