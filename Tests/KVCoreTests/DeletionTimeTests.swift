import KVCore
import Testing

@Suite struct DeletionTimeTests {
    @Test func shadowsWritesAtOrBeforeItsTimestamp() {
        let deletion = DeletionTime(timestamp: 100, localSeconds: 5)
        #expect(deletion.shadows(99))
        #expect(deletion.shadows(100), "a tie goes to the deletion")
        #expect(!deletion.shadows(101))
        #expect(DeletionTime(timestamp: .min, localSeconds: 0).shadows(.min))
    }

    @Test func latestPicksTheHigherTimestampThenTheLaterLocalTime() {
        let early = DeletionTime(timestamp: 10, localSeconds: 500)
        let late = DeletionTime(timestamp: 11, localSeconds: 1)
        #expect(DeletionTime.latest(early, late) == late)
        #expect(DeletionTime.latest(late, early) == late)
        let tieLater = DeletionTime(timestamp: 10, localSeconds: 501)
        #expect(DeletionTime.latest(early, tieLater) == tieLater)
        #expect(DeletionTime.latest(tieLater, early) == tieLater)
        #expect(DeletionTime.latest(nil, early) == early)
        #expect(DeletionTime.latest(early, nil) == early)
        #expect(DeletionTime.latest(nil, nil) == nil)
        #expect(!early.supersedes(early))
    }

    @Test func latestIsCommutativeAndAssociative() {
        let random = SeededRandomSource(seed: 3)
        func sample() -> DeletionTime? {
            random.next(in: 0..<5) == 0 ? nil
                : DeletionTime(timestamp: Int64(random.next(in: 0..<3)), localSeconds: Int64(random.next(in: 0..<3)))
        }
        for _ in 0..<2_000 {
            let a = sample(), b = sample(), c = sample()
            #expect(DeletionTime.latest(a, b) == DeletionTime.latest(b, a))
            #expect(DeletionTime.latest(DeletionTime.latest(a, b), c) == DeletionTime.latest(a, DeletionTime.latest(b, c)))
        }
    }

    @Test func purgeableStrictlyAfterGrace() {
        let deletion = DeletionTime(timestamp: 1, localSeconds: 1_000)
        #expect(!deletion.isPurgeable(nowSeconds: 1_010, gcGraceSeconds: 10))
        #expect(deletion.isPurgeable(nowSeconds: 1_011, gcGraceSeconds: 10))
    }
}
