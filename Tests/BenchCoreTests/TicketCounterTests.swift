import BenchCore
import Testing

/// `TicketCounter`: every ticket below the limit handed out once, in blocks.
@Suite struct TicketCounterTests {
    @Test func blocksFollowEachOther() {
        let counter = TicketCounter()
        #expect(counter.takeBlock(4, limit: nil) == 0..<4)
        #expect(counter.takeBlock(4, limit: nil) == 4..<8)
        #expect(counter.takeBlock(1, limit: nil) == 8..<9)
    }

    @Test func limitCutsTheLastBlockAndEmptiesLaterOnes() {
        let counter = TicketCounter()
        var taken: [Int] = []
        while true {
            let block = counter.takeBlock(64, limit: 150)
            if block.isEmpty { break }
            taken.append(contentsOf: block)
        }
        #expect(taken == Array(0..<150))
        #expect(counter.takeBlock(64, limit: 150).isEmpty)
    }

    @Test func resetStartsAgainFromZero() {
        let counter = TicketCounter()
        _ = counter.takeBlock(10, limit: nil)
        counter.reset()
        #expect(counter.takeBlock(3, limit: nil) == 0..<3)
    }
}
