import Testing
@testable import KVCore

/// Random and mutated bytes must never trap any decoder or comparison.
@Suite struct CQLTypesFuzzTests {
    private func mutate(_ input: [UInt8], _ generator: inout TypesSeededGenerator) -> [UInt8] {
        var bytes = input
        switch Int.random(in: 0..<3, using: &generator) {
        case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
        case 1 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
        default: bytes.append(UInt8.random(in: 0...255, using: &generator))
        }
        return bytes
    }

    @Test func mutatedValuesAndKeysNeverTrap() throws {
        var random = RandomCQLValues(generator: TypesSeededGenerator(seed: 99))
        var decodedCount = 0
        for type in RandomCQLValues.orderableTypes {
            for order in [ClusteringOrder.ascending, .descending] {
                for _ in 0..<150 {
                    let valid = random.serialized(type)
                    let value = mutate(valid, &random.generator)
                    if (try? CQLValue.deserialize(value, as: type)) != nil { decodedCount += 1 }
                    _ = type.compare(value, valid)
                    _ = try? ClusteringEncoding.encode(values: [value], types: [type], orders: [order])
                    let key = try ClusteringEncoding.encode(values: [valid], types: [type], orders: [order])
                    _ = try? ClusteringEncoding.decode(mutate(key, &random.generator), types: [type], orders: [order])
                }
            }
        }
        #expect(decodedCount > 0)
    }
}
