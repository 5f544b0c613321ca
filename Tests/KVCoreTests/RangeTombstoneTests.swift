import KVCore
import Testing

/// Prefix semantics of clustering bounds and range tombstones.
@Suite struct RangeTombstoneTests {
    static let deletion = DeletionTime(timestamp: 1, localSeconds: 1)

    static func range(_ start: [UInt8], _ startInclusive: Bool, _ end: [UInt8], _ endInclusive: Bool) -> RangeTombstone {
        RangeTombstone(start: ClusteringBound(prefix: start, isInclusive: startInclusive),
                       end: ClusteringBound(prefix: end, isInclusive: endInclusive), deletion: deletion)
    }

    @Test func inclusiveStartAdmitsEveryKeyWithThePrefixAndAfter() {
        let bound = ClusteringBound(prefix: [5], isInclusive: true)
        for key: [UInt8] in [[5], [5, 0], [5, 0xFF, 1], [6], [0xFF]] { #expect(bound.admitsAsStart(key), "\(key)") }
        for key: [UInt8] in [[], [4], [4, 0xFF], [0]] { #expect(!bound.admitsAsStart(key), "\(key)") }
    }

    @Test func exclusiveStartExcludesEveryKeyWithThePrefix() {
        let bound = ClusteringBound(prefix: [5], isInclusive: false)
        for key: [UInt8] in [[6], [6, 0], [0xFF, 0]] { #expect(bound.admitsAsStart(key), "\(key)") }
        for key: [UInt8] in [[5], [5, 0], [5, 0xFF, 0xFF], [4], []] { #expect(!bound.admitsAsStart(key), "\(key)") }
    }

    @Test func inclusiveEndAdmitsEveryKeyWithThePrefixAndBefore() {
        let bound = ClusteringBound(prefix: [7], isInclusive: true)
        for key: [UInt8] in [[], [0], [6, 0xFF], [7], [7, 0xFF, 0xFF]] { #expect(bound.admitsAsEnd(key), "\(key)") }
        for key: [UInt8] in [[8], [8, 0], [0xFF]] { #expect(!bound.admitsAsEnd(key), "\(key)") }
    }

    @Test func exclusiveEndExcludesEveryKeyWithThePrefix() {
        let bound = ClusteringBound(prefix: [7], isInclusive: false)
        for key: [UInt8] in [[], [6], [6, 0xFF, 0xFF]] { #expect(bound.admitsAsEnd(key), "\(key)") }
        for key: [UInt8] in [[7], [7, 0], [7, 0xFF], [8]] { #expect(!bound.admitsAsEnd(key), "\(key)") }
    }

    @Test func emptyInclusivePrefixIsUnbounded() {
        let all = RangeTombstone(start: .unbounded, end: .unbounded, deletion: Self.deletion)
        for key: [UInt8] in [[], [0], [0xFF, 0xFF, 0xFF], [1, 2, 3]] { #expect(all.covers(key)) }
        #expect(ClusteringBound.unbounded == ClusteringBound(prefix: [], isInclusive: true))
        // An empty exclusive prefix excludes everything (every key starts with it).
        let nothing = Self.range([], false, [], true)
        #expect(!nothing.covers([]) && !nothing.covers([1]))
    }

    @Test func rangesCombineBothEnds() {
        let closed = Self.range([2], true, [4], true)
        #expect(!closed.covers([1, 0xFF]) && closed.covers([2]) && closed.covers([3, 9]) && closed.covers([4, 0xFF]))
        #expect(!closed.covers([5]))
        let open = Self.range([2], false, [4], false)
        #expect(!open.covers([2, 9]) && open.covers([3]) && open.covers([3, 0xFF]) && !open.covers([4]))
        let halfOpen = Self.range([2], true, [4], false)
        #expect(halfOpen.covers([2]) && !halfOpen.covers([4, 0]))
        // A single clustering prefix: "all rows whose first component is 3".
        let prefixOnly = Self.range([3], true, [3], true)
        #expect(prefixOnly.covers([3]) && prefixOnly.covers([3, 0, 0]) && !prefixOnly.covers([2, 0xFF]) && !prefixOnly.covers([4]))
        // Empty start, bounded end and the reverse.
        let upTo = Self.range([], true, [3], false)
        #expect(upTo.covers([]) && upTo.covers([2, 0xFF]) && !upTo.covers([3]))
        let from = Self.range([3], true, [], true)
        #expect(from.covers([3]) && from.covers([0xFF]) && !from.covers([2]))
    }

    @Test func multiBytePrefixesCompareAsWholeKeys() {
        let range = Self.range([1, 2], true, [1, 4], false)
        #expect(!range.covers([1]), "[1] sorts before [1, 2]")
        #expect(!range.covers([1, 1, 0xFF]))
        #expect(range.covers([1, 2]) && range.covers([1, 3, 0]))
        #expect(!range.covers([1, 4]) && !range.covers([1, 4, 0]))
        #expect(!range.covers([2]))
    }

    /// For the same prefix, inclusive and exclusive bounds differ exactly on the keys that
    /// start with it.
    @Test func inclusiveAndExclusiveDifferOnlyOnThePrefix() {
        let random = SeededRandomSource(seed: 8)
        for _ in 0..<2_000 {
            let prefix = (0..<random.next(in: 0..<3)).map { _ in UInt8(random.next(in: 0..<3)) }
            let key = (0..<random.next(in: 0..<4)).map { _ in UInt8(random.next(in: 0..<3)) }
            let inclusive = ClusteringBound(prefix: prefix, isInclusive: true)
            let exclusive = ClusteringBound(prefix: prefix, isInclusive: false)
            let differsAsStart = inclusive.admitsAsStart(key) != exclusive.admitsAsStart(key)
            let differsAsEnd = inclusive.admitsAsEnd(key) != exclusive.admitsAsEnd(key)
            #expect(differsAsStart == key.starts(with: prefix))
            #expect(differsAsEnd == key.starts(with: prefix))
            // A start and an end at the same inclusive prefix split keys into before/inside/after.
            if !key.starts(with: prefix) { #expect(inclusive.admitsAsStart(key) != inclusive.admitsAsEnd(key)) }
        }
    }
}
