import Testing
@testable import KVCore

@Suite struct CQLDataTypeCompareTests {
    /// Asserts `values` (all of `type`) are strictly increasing under `compare`.
    private func expectIncreasing(_ values: [CQLValue], _ type: CQLDataType, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let encoded = try values.map { try $0.serialize(as: type) }
        for index in 0..<(encoded.count - 1) {
            #expect(type.compare(encoded[index], encoded[index + 1]) == -1, "\(values[index]) < \(values[index + 1])", sourceLocation: sourceLocation)
            #expect(type.compare(encoded[index + 1], encoded[index]) == 1, sourceLocation: sourceLocation)
            #expect(type.compare(encoded[index], encoded[index]) == 0, sourceLocation: sourceLocation)
        }
    }

    @Test func integersCompareSigned() throws {
        try expectIncreasing([.int(.min), .int(-1), .int(0), .int(1), .int(.max)], .int)
        try expectIncreasing([.bigint(.min), .bigint(-1), .bigint(0), .bigint(.max)], .bigint)
        try expectIncreasing([.tinyint(-128), .tinyint(-1), .tinyint(127)], .tinyint)
        try expectIncreasing([.timestamp(-1), .timestamp(0)], .timestamp)
        try expectIncreasing([.date(.min), .date(-1), .date(0), .date(.max)], .date)
        try expectIncreasing([.boolean(false), .boolean(true)], .boolean)
    }

    @Test func floatsFollowJavaCompare() throws {
        try expectIncreasing([.float(-.infinity), .float(-1), .float(-0.0), .float(0), .float(.leastNonzeroMagnitude), .float(.infinity), .float(.nan)], .float)
        try expectIncreasing([.double(-.infinity), .double(-0.0), .double(0), .double(.infinity), .double(.nan)], .double)
        let negativeNaN = try CQLValue.double(-.nan).serialize(as: .double)
        #expect(CQLDataType.double.compare(negativeNaN, try CQLValue.double(.nan).serialize(as: .double)) == 0)
    }

    @Test func textAndBlobsCompareByUnsignedBytes() throws {
        try expectIncreasing([.text(""), .text("Z"), .text("a"), .text("ab"), .text("é"), .text("日")], .text)
        try expectIncreasing([.blob([]), .blob([0]), .blob([0, 0]), .blob([0x7F]), .blob([0x80]), .blob([0xFF])], .blob)
        try expectIncreasing([.inet([10, 0, 0, 1]), .inet([10, 0, 0, 1] + Array(repeating: 0, count: 12)), .inet([192, 168, 0, 1])], .inet)
    }

    @Test func varintsAndDecimalsCompareNumerically() throws {
        let varints: [Int64] = [.min, -129, -128, -1, 0, 1, 127, 128, 255, 256, .max]
        try expectIncreasing(varints.map { .varint(CQLVarint($0)) }, .varint)
        let decimals: [(Int32, Int64)] = [(-2, -5), (0, -100), (1, -15), (3, -1), (0, 0), (5, 1), (2, 12), (3, 121), (1, 15), (0, 2), (-3, 1), (0, 1001)]
        try expectIncreasing(decimals.map { .decimal(CQLDecimal(scale: $0.0, unscaled: CQLVarint($0.1))) }, .decimal)
        let oneAndAHalf = try CQLValue.decimal(CQLDecimal(scale: 1, unscaled: CQLVarint(15))).serialize(as: .decimal)
        let oneFifty = try CQLValue.decimal(CQLDecimal(scale: 2, unscaled: CQLVarint(150))).serialize(as: .decimal)
        #expect(CQLDataType.decimal.compare(oneAndAHalf, oneFifty) == 0)
        let zeroScaled = try CQLValue.decimal(CQLDecimal(scale: -7, unscaled: CQLVarint(0))).serialize(as: .decimal)
        #expect(CQLDataType.decimal.compare(zeroScaled, typesBytes("0000000000")) == 0)
    }

    @Test func timeUUIDsCompareByTimeThenSignedBytes() throws {
        // Build version-1 UUIDs from 60-bit timestamps to check the field reordering; equal
        // times order by the low half compared as signed bytes (0x80 first, 0x7F last).
        func timeUUID(_ time: UInt64, low: UInt64) -> CQLValue {
            let high = ((time & 0xFFFF_FFFF) << 32) | (((time >> 32) & 0xFFFF) << 16) | (0x1000 | (time >> 48) & 0x0FFF)
            return .timeuuid(CQLUUID(high: high, low: low))
        }
        try expectIncreasing([
            timeUUID(1, low: .max), timeUUID(2, low: 0), timeUUID(1 << 32, low: 0), timeUUID(1 << 48, low: 0x8000_0000_0000_0000),
            timeUUID(1 << 48, low: 0xFF00_0000_0000_0000), timeUUID(1 << 48, low: 0x0080), timeUUID(1 << 48, low: 0x00FF),
            timeUUID(1 << 48, low: 0), timeUUID(1 << 48, low: 0x0001), timeUUID(1 << 48, low: 0x7F00_0000_0000_0000),
        ], .timeuuid)
    }

    @Test func uuidsCompareByVersionThenTimeOrBytes() throws {
        let v1Late = CQLUUID(high: 0x0000_0000_0001_1000, low: 0)  // time_mid 1
        let v1Early = CQLUUID(high: 0xFFFF_FFFF_0000_1000, low: 0)  // time_low max
        let v4Small = CQLUUID(high: 0x0000_0000_0000_4000, low: .max)
        let v4Large = CQLUUID(high: 0x0000_0000_0000_4000 | (1 << 63), low: 0)
        try expectIncreasing([.uuid(v1Early), .uuid(v1Late), .uuid(v4Small), .uuid(v4Large)], .uuid)
        try expectIncreasing([.uuid(CQLUUID(high: 0x4000, low: 0x7F)), .uuid(CQLUUID(high: 0x4000, low: 0x80))], .uuid)
    }

    @Test func collectionsAndTuplesCompareElementWise() throws {
        try expectIncreasing([.list([]), .list([.int(-1)]), .list([.int(1)]), .list([.int(1), .int(0)]), .list([.int(2)])], .list(.int))
        let entry = { (key: Int32, value: String) in CQLMapEntry(key: .int(key), value: .text(value)) }
        try expectIncreasing([.map([]), .map([entry(1, "a")]), .map([entry(1, "b")]), .map([entry(2, "")])], .map(.int, .text))
        let tuple = CQLDataType.tuple([.int, .text])
        try expectIncreasing([.tuple([nil, nil]), .tuple([nil, .text("a")]), .tuple([.int(1), nil]), .tuple([.int(1), .text("a")]), .tuple([.int(2), nil])], tuple)
        let trailingNull = try CQLValue.tuple([.int(1), nil]).serialize(as: tuple)
        #expect(tuple.compare(trailingNull, typesBytes("00000004 00000001")) == 0)
        let trailingEmpty = try CQLValue.tuple([.int(1), .text("")]).serialize(as: tuple)
        #expect(tuple.compare(trailingNull, trailingEmpty) == 0)
        let leadingEmpty = try CQLValue.tuple([.text(""), .text("a")]).serialize(as: .tuple([.text, .text]))
        let leadingNull = try CQLValue.tuple([nil, .text("a")]).serialize(as: .tuple([.text, .text]))
        #expect(CQLDataType.tuple([.text, .text]).compare(leadingNull, leadingEmpty) == -1)
    }

    @Test func emptyValuesSortFirst() throws {
        #expect(CQLDataType.int.compare([], try CQLValue.int(.min).serialize(as: .int)) == -1)
        #expect(CQLDataType.varint.compare([], []) == 0)
        #expect(CQLDataType.uuid.compare([1, 2], []) == 1)
    }

    /// `compare` of the common scalar types reads values in place (`RawValueComparator`);
    /// its order must be the order of the values' stored keys, which sort by unsigned bytes.
    @Test func inPlaceComparisonsOrderAsStoredKeysDo() {
        let random = SeededRandomSource(seed: 5)
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) } }
        func storedKey(_ value: [UInt8], _ type: CQLDataType) -> [UInt8]? {
            var writer = OrderedKeyWriter(mask: 0)
            return (try? OrderPreservingTransform.appendScalar(value, as: type, to: &writer)).map { writer.bytes }
        }
        let specials: [[UInt8]] = [[], [0x7F, 0xF8, 0, 0, 0, 0, 0, 1], [0xFF, 0xF8, 0, 0, 0, 0, 0, 1], [0x80, 0, 0, 0, 0, 0, 0, 0],
                                   [0, 0, 0, 0, 0, 0, 0, 0], [0x7F, 0xF0, 0, 0, 0, 0, 0, 0], [0x80, 0, 0, 0], [0, 0, 0, 0], [1, 2, 3]]
        let types: [(CQLDataType, Int)] = [(.int, 4), (.bigint, 8), (.smallint, 2), (.tinyint, 1), (.timestamp, 8), (.date, 4),
                                           (.boolean, 1), (.float, 4), (.double, 8), (.text, 5), (.blob, 3), (.uuid, 16)]
        for (type, width) in types {
            let comparator = RawValueComparator(type)
            var values = (0..<40).map { _ in bytes(type == .text || type == .blob ? random.next(in: 0..<(width + 1)) : width) }
            values += specials
            for left in values {
                for right in values {
                    let raw = left.withUnsafeBytes { l in right.withUnsafeBytes { r in comparator.compare(l, r) } }
                    #expect(raw == type.compare(left, right), "\(type): \(left) vs \(right)")
                    guard !left.isEmpty, !right.isEmpty, let leftKey = storedKey(left, type), let rightKey = storedKey(right, type),
                          type.fixedWidthBytes.map({ left.count == $0 && right.count == $0 }) ?? true else { continue }
                    #expect(raw == compareUnsigned(leftKey, rightKey).signum(), "\(type): \(left) vs \(right)")
                }
            }
        }
    }
}
