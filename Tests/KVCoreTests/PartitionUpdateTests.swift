import KVCore
import Testing

@Suite struct TableIDTests {
    @Test func hexRoundTrips() {
        let random = SeededRandomSource(seed: 4)
        var ids = [TableID(high: 0, low: 0), TableID(high: .max, low: .max), TableID(high: 1, low: 0xABC)]
        for _ in 0..<200 { ids.append(.random(random)) }
        for id in ids {
            let hex = id.description
            #expect(hex.count == 32)
            #expect(hex.allSatisfy { "0123456789abcdef".contains($0) })
            #expect(TableID(hex: hex) == id)
        }
        #expect(TableID(high: 1, low: 0xABC).description == "0000000000000001" + "0000000000000abc")
    }

    @Test func badHexIsRejected() {
        #expect(TableID(hex: "") == nil)
        #expect(TableID(hex: String(repeating: "0", count: 31)) == nil)
        #expect(TableID(hex: String(repeating: "0", count: 33)) == nil)
        #expect(TableID(hex: String(repeating: "g", count: 32)) == nil)
        #expect(TableID(hex: String(repeating: "0", count: 16) + "000000000000000z") == nil)
    }

    /// Only the form `description` produces should parse: a sign is not a hex digit.
    @Test func signedHexIsRejected() {
        #expect(TableID(hex: "+00000000000000f" + "0000000000000001") == nil)
        #expect(TableID(hex: "0000000000000001" + "-000000000000000") == nil)
    }

    @Test func orderIsHighThenLow() {
        #expect(TableID(high: 1, low: .max) < TableID(high: 2, low: 0))
        #expect(TableID(high: 1, low: 1) < TableID(high: 1, low: 2))
        #expect(!(TableID(high: 1, low: 1) < TableID(high: 1, low: 1)))
    }

    @Test func randomIDsComeFromTheSource() {
        #expect(TableID.random(SeededRandomSource(seed: 9)) == TableID.random(SeededRandomSource(seed: 9)))
        let source = SeededRandomSource(seed: 9)
        #expect(TableID.random(source) != TableID.random(source))
    }
}

@Suite struct PartitionUpdateTests {
    @Test func defaultsAreEmpty() {
        let update = PartitionUpdate(partitionKey: [1, 2])
        #expect(update.partitionDeletion == nil && update.rangeTombstones.isEmpty && update.rows.isEmpty)
        #expect(update == PartitionUpdate(partitionKey: [1, 2], rows: []))
        #expect(update != PartitionUpdate(partitionKey: [1, 3]))
    }
}
