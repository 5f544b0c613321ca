import KVCore
import Testing

/// Random valid versions of one cell (column 3, no path), with small ranges so that ties on
/// timestamp, local time and value are frequent.
enum CellSamples {
    static func random(_ random: any RandomSource, column: UInt32 = 3, path: [UInt8] = []) -> Cell {
        let timestamp = Int64(random.next(in: 0..<4))
        let value = (0..<random.next(in: 0..<3)).map { _ in UInt8(random.next(in: 0..<3)) }
        switch random.next(in: 0..<3) {
        case 0:
            return .live(column: column, path: path, timestamp: timestamp, value: value)
        case 1:
            return .expiring(column: column, path: path, timestamp: timestamp, value: value,
                             ttlSeconds: Int32(random.next(in: 1..<4)), nowSeconds: Int64(random.next(in: 0..<3)))
        default:
            return .tombstone(column: column, path: path, timestamp: timestamp, nowSeconds: Int64(random.next(in: 0..<4)))
        }
    }
}

@Suite struct CellTests {
    @Test func higherTimestampWinsWhateverTheKind() {
        let older = Cell.live(column: 1, timestamp: 10, value: [0xFF])
        let newerTombstone = Cell.tombstone(column: 1, timestamp: 11, nowSeconds: 0)
        let newerExpiring = Cell.expiring(column: 1, timestamp: 11, value: [0], ttlSeconds: 1, nowSeconds: 0)
        #expect(Cell.reconcile(older, newerTombstone) == newerTombstone)
        #expect(Cell.reconcile(newerTombstone, older) == newerTombstone)
        #expect(Cell.reconcile(older, newerExpiring) == newerExpiring)
        let olderTombstone = Cell.tombstone(column: 1, timestamp: 9, nowSeconds: 1_000)
        #expect(Cell.reconcile(olderTombstone, older) == older)
    }

    @Test func onATieATombstoneBeatsAValue() {
        let value = Cell.live(column: 1, timestamp: 10, value: [0xFF, 0xFF])
        let expiring = Cell.expiring(column: 1, timestamp: 10, value: [0xFF], ttlSeconds: 100, nowSeconds: 1_000)
        let tombstone = Cell.tombstone(column: 1, timestamp: 10, nowSeconds: 0)
        #expect(Cell.reconcile(value, tombstone) == tombstone)
        #expect(Cell.reconcile(tombstone, value) == tombstone)
        #expect(Cell.reconcile(expiring, tombstone) == tombstone)
        #expect(tombstone.supersedes(value) && !value.supersedes(tombstone))
    }

    @Test func betweenTombstonesTheLaterDeletionWins() {
        let early = Cell.tombstone(column: 1, timestamp: 10, nowSeconds: 100)
        let late = Cell.tombstone(column: 1, timestamp: 10, nowSeconds: 200)
        #expect(Cell.reconcile(early, late) == late)
        #expect(Cell.reconcile(late, early) == late)
    }

    @Test func laterExpiryWinsAndNeverExpiringBeatsExpiring() {
        let soon = Cell.expiring(column: 1, timestamp: 10, value: [9], ttlSeconds: 10, nowSeconds: 100)
        let later = Cell.expiring(column: 1, timestamp: 10, value: [1], ttlSeconds: 10, nowSeconds: 200)
        let forever = Cell.live(column: 1, timestamp: 10, value: [0])
        #expect(Cell.reconcile(soon, later) == later)
        #expect(Cell.reconcile(later, soon) == later)
        #expect(Cell.reconcile(later, forever) == forever)
        #expect(Cell.reconcile(forever, soon) == forever)
    }

    @Test func thenTheGreaterValueWinsUnsigned() {
        let small = Cell.live(column: 1, timestamp: 10, value: [0x7F, 0xFF])
        let large = Cell.live(column: 1, timestamp: 10, value: [0x80])
        let longer = Cell.live(column: 1, timestamp: 10, value: [0x80, 0x00])
        #expect(Cell.reconcile(small, large) == large)
        #expect(Cell.reconcile(large, small) == large)
        #expect(Cell.reconcile(large, longer) == longer)
        #expect(!small.supersedes(small))
    }

    @Test func reconcileIsCommutativeOverRandomCells() {
        let random = SeededRandomSource(seed: 1)
        for _ in 0..<5_000 {
            let a = CellSamples.random(random), b = CellSamples.random(random)
            #expect(Cell.reconcile(a, b) == Cell.reconcile(b, a), "\(a) vs \(b)")
            // A strict order: never both ways, and one way unless the cells are equal.
            #expect(!(a.supersedes(b) && b.supersedes(a)))
            if a != b { #expect(a.supersedes(b) || b.supersedes(a), "\(a) vs \(b)") }
        }
    }

    @Test func reconcileIsAssociativeOverRandomTriples() {
        let random = SeededRandomSource(seed: 2)
        for _ in 0..<5_000 {
            let a = CellSamples.random(random), b = CellSamples.random(random), c = CellSamples.random(random)
            let left = Cell.reconcile(Cell.reconcile(a, b), c)
            let right = Cell.reconcile(a, Cell.reconcile(b, c))
            #expect(left == right, "\(a), \(b), \(c)")
            #expect(left == a || left == b || left == c)
        }
    }

    @Test func liveness() {
        #expect(Cell.live(column: 1, timestamp: 1, value: []).isLive(nowSeconds: .max))
        let expiring = Cell.expiring(column: 1, timestamp: 1, value: [1], ttlSeconds: 60, nowSeconds: 1_000)
        #expect(expiring.localSeconds == 1_060 && expiring.ttlSeconds == 60 && expiring.kind == .expiring)
        #expect(expiring.isLive(nowSeconds: 1_059))
        #expect(!expiring.isLive(nowSeconds: 1_060))
        #expect(!Cell.tombstone(column: 1, timestamp: 1, nowSeconds: 5).isLive(nowSeconds: 0))
    }

    @Test func purgeability() {
        let live = Cell.live(column: 1, timestamp: 1, value: [])
        #expect(!live.isPurgeable(nowSeconds: .max, gcGraceSeconds: 0))
        let tombstone = Cell.tombstone(column: 1, timestamp: 1, nowSeconds: 1_000)
        #expect(!tombstone.isPurgeable(nowSeconds: 1_100, gcGraceSeconds: 100))
        #expect(tombstone.isPurgeable(nowSeconds: 1_101, gcGraceSeconds: 100))
        let expiring = Cell.expiring(column: 1, timestamp: 1, value: [1], ttlSeconds: 50, nowSeconds: 1_000)
        #expect(!expiring.isPurgeable(nowSeconds: 1_060, gcGraceSeconds: 10))
        #expect(expiring.isPurgeable(nowSeconds: 1_061, gcGraceSeconds: 10))
    }

    @Test func identityOrdersByColumnThenPath() {
        let a = Cell.live(column: 1, path: [5], timestamp: 1, value: [])
        let b = Cell.live(column: 2, path: [], timestamp: 1, value: [])
        let c = Cell.live(column: 2, path: [0], timestamp: 1, value: [])
        let d = Cell.live(column: 2, path: [0x80], timestamp: 1, value: [])
        #expect(Cell.identityPrecedes(a, b) && Cell.identityPrecedes(b, c) && Cell.identityPrecedes(c, d))
        #expect(!Cell.identityPrecedes(d, c) && !Cell.identityPrecedes(c, c))
        #expect(c.hasSameIdentity(as: Cell.tombstone(column: 2, path: [0], timestamp: 9, nowSeconds: 0)))
        #expect(!c.hasSameIdentity(as: d))
    }
}
