import KVCore
extension TokenRing {
    /// The ring position that owns `token`: the first token at or after it, wrapping to 0
    /// past the last. Requires a non-empty ring. O(log n).
    public func index(owning token: Token) -> Int {
        precondition(!isEmpty, "lookup on an empty ring")
        var low = 0
        var high = tokens.count
        while low < high {
            let middle = (low + high) / 2
            if tokens[middle] < token { low = middle + 1 } else { high = middle }
        }
        return low == tokens.count ? 0 : low
    }

    /// The node that owns `token` (its primary replica under any strategy); `nil` on an
    /// empty ring. O(log n).
    public func owner(of token: Token) -> HostID? {
        isEmpty ? nil : owners[index(owning: token)]
    }

    /// The range that ring position `index` owns: `(previous token, tokens[index]]`; the
    /// whole ring when there is one token. Requires `0 <= index < count`.
    public func range(at index: Int) -> TokenRange {
        TokenRange(start: tokens[previousIndex(before: index)], end: tokens[index])
    }

    /// The range of every ring position, in ring order.
    public var ranges: [TokenRange] { tokens.indices.map(range(at:)) }

    /// The position after `index`, wrapping from the last to 0.
    public func nextIndex(after index: Int) -> Int { index + 1 == tokens.count ? 0 : index + 1 }

    /// The position before `index`, wrapping from 0 to the last.
    public func previousIndex(before index: Int) -> Int { index == 0 ? tokens.count - 1 : index - 1 }

    /// Every ring position once, clockwise, starting at `start` and wrapping around: the
    /// order in which strategies walk the ring. Requires `0 <= start < count` (or an empty
    /// ring, which yields nothing).
    public func positionsClockwise(from start: Int) -> some Sequence<Int> {
        let count = tokens.count
        return (0..<count).lazy.map { step in (start + step) % count }
    }

    /// The node record of `id`; `nil` if it is not on the ring.
    public func node(_ id: HostID) -> RingNode? { nodes[id] }
}
