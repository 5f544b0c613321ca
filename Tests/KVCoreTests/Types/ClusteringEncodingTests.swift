import Testing
@testable import KVCore

@Suite struct ClusteringEncodingTests {
    /// The CQL clustering order of two clusterings of equal length (or prefixes).
    private func clusteringCompare(_ a: [[UInt8]?], _ b: [[UInt8]?], types: [CQLDataType], orders: [ClusteringOrder]) -> Int {
        for index in 0..<min(a.count, b.count) {
            var order: Int
            switch (a[index], b[index]) {
            case (nil, nil): order = 0
            case (nil, _): order = -1
            case (_, nil): order = 1
            case (let x?, let y?): order = types[index].compare(x, y)
            }
            if orders[index] == .descending { order = -order }
            if order != 0 { return order }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    private func randomClustering(_ random: inout RandomCQLValues, types: [CQLDataType]) -> [[UInt8]?] {
        types.map { random.chance(5) ? [] : random.serialized($0) }
    }

    @Test func singleComponentOrderMatchesCompareForEveryType() throws {
        var random = RandomCQLValues(generator: TypesSeededGenerator(seed: 1))
        for type in RandomCQLValues.orderableTypes {
            for order in [ClusteringOrder.ascending, .descending] {
                let values = (0..<60).map { _ in randomClustering(&random, types: [type]) }
                let keys = try values.map { try ClusteringEncoding.encode(values: $0, types: [type], orders: [order]) }
                for i in values.indices {
                    for j in values.indices {
                        let expected = clusteringCompare(values[i], values[j], types: [type], orders: [order])
                        #expect(compareUnsigned(keys[i], keys[j]) == expected, "\(type) \(order) \(typesHex(values[i][0]!)) vs \(typesHex(values[j][0]!))")
                    }
                }
            }
        }
    }

    @Test func multiComponentOrderAndDecodingRoundTrip() throws {
        var random = RandomCQLValues(generator: TypesSeededGenerator(seed: 2))
        for _ in 0..<150 {
            let types = (0..<Int.random(in: 1...3, using: &random.generator)).map { _ in RandomCQLValues.orderableTypes.randomElement(using: &random.generator)! }
            let orders = types.map { _ in random.chance(50) ? ClusteringOrder.ascending : .descending }
            let values = (0..<12).map { _ in randomClustering(&random, types: types) }
            let keys = try values.map { try ClusteringEncoding.encode(values: $0, types: types, orders: orders) }
            for i in values.indices {
                let decoded = try ClusteringEncoding.decode(keys[i], types: types, orders: orders)
                #expect(clusteringCompare(decoded, values[i], types: types, orders: orders) == 0, "\(types) \(values[i].map { $0.map(typesHex) }) \(decoded.map { $0.map(typesHex) })")
                #expect(try ClusteringEncoding.encode(values: decoded, types: types, orders: orders) == keys[i])
                for j in values.indices {
                    #expect(compareUnsigned(keys[i], keys[j]) == clusteringCompare(values[i], values[j], types: types, orders: orders), "\(types) \(orders)")
                }
            }
        }
    }

    @Test func prefixesAreBytePrefixesAndBoundTheirRange() throws {
        var random = RandomCQLValues(generator: TypesSeededGenerator(seed: 3))
        for _ in 0..<150 {
            let types = (0..<3).map { _ in RandomCQLValues.orderableTypes.randomElement(using: &random.generator)! }
            let orders = types.map { _ in random.chance(50) ? ClusteringOrder.ascending : .descending }
            let full = randomClustering(&random, types: types)
            let other = randomClustering(&random, types: types)
            let prefixLength = Int.random(in: 0...2, using: &random.generator)
            let prefix = Array(full.prefix(prefixLength))
            let prefixKey = try ClusteringEncoding.encode(values: prefix, types: types, orders: orders)
            let fullKey = try ClusteringEncoding.encode(values: full, types: types, orders: orders)
            let otherKey = try ClusteringEncoding.encode(values: other, types: types, orders: orders)
            let end = ClusteringEncoding.prefixEndBound(prefixKey)
            #expect(Array(fullKey.prefix(prefixKey.count)) == prefixKey)
            #expect(compareUnsigned(prefixKey, fullKey) <= 0 && compareUnsigned(fullKey, end) < 0)
            // A clustering outside the prefix's range is below the prefix or above its end.
            let otherInRange = clusteringCompare(Array(other.prefix(prefixLength)), prefix, types: types, orders: orders) == 0
            let otherInKeyRange = compareUnsigned(prefixKey, otherKey) <= 0 && compareUnsigned(otherKey, end) < 0
            #expect(otherInRange == otherInKeyRange)
            #expect(try ClusteringEncoding.decode(prefixKey, types: types, orders: orders).count == prefixLength)
        }
    }

    @Test func nullAndEmptyComponentsSortFirst() throws {
        let types: [CQLDataType] = [.int]
        let null = try ClusteringEncoding.encode(values: [nil], types: types, orders: [.ascending])
        let empty = try ClusteringEncoding.encode(values: [[]], types: types, orders: [.ascending])
        let minimum = try ClusteringEncoding.encode(values: [try CQLValue.int(.min).serialize(as: .int)], types: types, orders: [.ascending])
        #expect(compareUnsigned(null, empty) < 0 && compareUnsigned(empty, minimum) < 0)
        #expect(try ClusteringEncoding.decode(null, types: types, orders: [.ascending]) == [nil])
        #expect(try ClusteringEncoding.decode(empty, types: types, orders: [.ascending]) == [[]])
    }

    @Test func goldenKeys() throws {
        let key = try ClusteringEncoding.encode(
            values: [try CQLValue.int(1).serialize(as: .int), try CQLValue.text("a\u{0}").serialize(as: .text)],
            types: [.int, .text], orders: [.ascending, .descending])
        #expect(typesHex(key) == "03" + "80000001" + "fc" + "9e" + "ff00" + "ffff")
        let varint = try ClusteringEncoding.encode(values: [[0xFF, 0x7F]], types: [.varint], orders: [.ascending])
        #expect(typesHex(varint) == "03" + "00" + "fffffffd" + "ff7f")
        let decimal = try ClusteringEncoding.encode(values: [typesBytes("000000027b")], types: [.decimal], orders: [.ascending])
        #expect(typesHex(decimal) == "03" + "03" + "8000000000000001" + "020304" + "00")
    }

    @Test func malformedKeysThrow() {
        let cases: [([UInt8], [CQLDataType])] = [
            ([0x03, 0x80], [.int]), ([0x07], [.int]), ([0x03, 0x61, 0x00, 0x05], [.text]), ([0x03, 0x61], [.text]),
            ([0x03, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x01, 0x02], [.int]), ([0x03, 0x04], [.decimal]),
            ([0x03, 0x02, 0x03], [.frozen(.list(.int))]),
        ]
        for (key, types) in cases {
            #expect(throws: CQLValueError.self, "\(typesHex(key))") {
                try ClusteringEncoding.decode(key, types: types, orders: types.map { _ in .ascending })
            }
        }
        #expect(throws: CQLValueError.self) { try ClusteringEncoding.encode(values: [[1, 2]], types: [.int], orders: [.ascending]) }
    }
}
