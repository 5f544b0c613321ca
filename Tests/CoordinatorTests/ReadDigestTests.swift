import KVCore
import Testing

@testable import Coordinator

/// The digest's properties: equal answers agree, unequal ones do not, and it spreads.
@Suite struct ReadDigestTests {
    @Test(arguments: 0..<4 as Range<UInt64>)
    func equalResponsesHaveEqualDigestsAndChangedOnesDiffer(seed: UInt64) {
        let generator = MessageGenerator(seed: 600 + seed)
        for _ in 0..<50 {
            let response = generator.response()
            let copy = ReplicaMessageCodec.decodeReadResponseOrNil(ReplicaMessageCodec.encode(response))
            #expect(copy.map(ReadDigest.of) == ReadDigest.of(response))
            var changed = response
            changed.isExhausted.toggle()
            #expect(ReadDigest.of(changed) != ReadDigest.of(response), "isExhausted is part of the digest")
        }
    }

    /// A newer cell or a tombstone on one replica changes the digest.
    @Test func aNewerValueOrATombstoneChangesTheDigest() {
        let key = Fixtures.storageKey(1)
        let old = ReadResponse(partitions: [Fixtures.partition(key, rows: [Fixtures.row([1], "v", at: 1)])], isExhausted: true)
        let newer = ReadResponse(partitions: [Fixtures.partition(key, rows: [Fixtures.row([1], "v", at: 2)])], isExhausted: true)
        let deleted = ReadResponse(partitions: [Fixtures.partition(key, rows: [Fixtures.row([1], "v", at: 1)],
                                                                   deletion: Fixtures.deletion(at: 0))], isExhausted: true)
        #expect(Set([old, newer, deleted].map(ReadDigest.of)).count == 3)
    }

    /// Inputs that differ only in zero padding or length do not collide.
    @Test func lengthAndZeroTailsAreDistinguished() {
        let inputs: [[UInt8]] = (0..<20).map { [UInt8](repeating: 0, count: $0) }
        #expect(Set(inputs.map(ReadDigest.init(hashing:))).count == inputs.count)
    }

    /// Flipping any one input bit flips close to half of the 128 output bits, on average
    /// and never very few: both lanes avalanche.
    @Test func singleBitFlipsAvalanche() {
        let random = SeededRandomSource(seed: 7)
        let input = (0..<37).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) }
        let base = ReadDigest(hashing: input)
        var total = 0
        for bit in 0..<(input.count * 8) {
            var flipped = input
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            let digest = ReadDigest(hashing: flipped)
            let changed = (digest.high ^ base.high).nonzeroBitCount + (digest.low ^ base.low).nonzeroBitCount
            #expect(changed >= 32, "bit \(bit) changed only \(changed) output bits")
            total += changed
        }
        let mean = Double(total) / Double(input.count * 8)
        #expect(abs(mean - 64) < 3, "mean \(mean) output bits changed")
    }

    /// Many distinct short inputs over a small alphabet (the hard case for a weak hash): no
    /// two share a digest, nor even one lane of it.
    @Test func noCollisionsAmongManyInputs() {
        let random = SeededRandomSource(seed: 8)
        var inputs: Set<[UInt8]> = []
        for _ in 0..<20_000 {
            inputs.insert((0..<random.next(in: 0..<24)).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64() & 3) })
        }
        let digests = inputs.map(ReadDigest.init(hashing:))
        #expect(Set(digests).count == inputs.count)
        #expect(Set(digests.map(\.high)).count == inputs.count)
        #expect(Set(digests.map(\.low)).count == inputs.count)
    }
}

extension ReplicaMessageCodec {
    static func decodeReadResponseOrNil(_ bytes: [UInt8]) -> ReadResponse? { try? decodeReadResponse(bytes) }
}
