@testable import KVCore

/// A deterministic generator for property tests (SplitMix64), seeded per test.
struct TypesSeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hex string of bytes, for readable golden comparisons.
func typesHex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// Bytes from a hex string (spaces allowed).
func typesBytes(_ hexString: String) -> [UInt8] {
    let digits = Array(hexString.filter { $0 != " " })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

/// Random serialized values of orderable CQL types, biased towards edge values and
/// collisions so that equal and nearly equal values are compared often.
struct RandomCQLValues {
    var generator: TypesSeededGenerator

    static let orderableTypes: [CQLDataType] = [
        .boolean, .tinyint, .smallint, .int, .bigint, .counter, .timestamp, .time, .date, .float, .double,
        .text, .ascii, .blob, .inet, .uuid, .timeuuid, .varint, .decimal, .duration,
        .frozen(.list(.int)), .frozen(.set(.text)), .frozen(.map(.int, .text)), .tuple([.int, .text]),
        .frozen(.list(.frozen(.list(.decimal)))),
    ]

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &generator) < percent }

    mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T {
        if chance(30) { return [T.min, T.max, 0, 1, T(truncatingIfNeeded: -1)].randomElement(using: &generator)! }
        if chance(40) { return T(truncatingIfNeeded: Int.random(in: -3...3, using: &generator)) }
        return T.random(in: T.min...T.max, using: &generator)
    }

    mutating func serialized(_ type: CQLDataType) -> [UInt8] {
        try! value(type).serialize(as: type)
    }

    mutating func value(_ type: CQLDataType) -> CQLValue {
        switch type.unfrozen {
        case .boolean: return .boolean(chance(50))
        case .tinyint: return .tinyint(integer(Int8.self))
        case .smallint: return .smallint(integer(Int16.self))
        case .int: return .int(integer(Int32.self))
        case .bigint: return .bigint(integer(Int64.self))
        case .counter: return .counter(integer(Int64.self))
        case .timestamp: return .timestamp(integer(Int64.self))
        case .time: return .time(chance(20) ? CQLValue.nanosecondsPerDay - 1 : Int64.random(in: 0..<CQLValue.nanosecondsPerDay, using: &generator) / (chance(50) ? 1_000_000_000_000 : 1))
        case .date: return .date(integer(Int32.self))
        case .float: return .float(chance(40) ? [Float.nan, -Float.nan, .infinity, -.infinity, 0, -0.0, 1, -1, .leastNonzeroMagnitude, .greatestFiniteMagnitude].randomElement(using: &generator)! : Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator)))
        case .double: return .double(chance(40) ? [Double.nan, -Double.nan, .infinity, -.infinity, 0, -0.0, 1, -1, .leastNonzeroMagnitude].randomElement(using: &generator)! : Double(bitPattern: generator.next()))
        default: return richValue(type.unfrozen)
        }
    }

    private mutating func richValue(_ type: CQLDataType) -> CQLValue {
        switch type {
        case .text: return .text(string(["", "a", "b", "\u{0}", "é", "日本", "😀", "ab"]))
        case .ascii: return .ascii(string(["", "a", "b", "\u{0}", "z", "~"]))
        case .blob: return .blob(byteString())
        case .inet: return .inet(chance(50) ? [127, 0, 0, UInt8.random(in: 0...2, using: &generator)] : (0..<16).map { _ in UInt8.random(in: 0...1, using: &generator) })
        case .uuid: return .uuid(uuid(version: [1, 4, 3].randomElement(using: &generator)!))
        case .timeuuid: return .timeuuid(uuid(version: 1))
        case .varint: return .varint(varint())
        case .decimal: return .decimal(CQLDecimal(scale: Int32.random(in: -3...3, using: &generator), unscaled: varint()))
        case .duration: return .duration(CQLDuration(months: Int32.random(in: 0...2, using: &generator), days: Int32.random(in: 0...40, using: &generator), nanoseconds: Int64.random(in: 0...1_000_000, using: &generator)))
        default: return compositeValue(type)
        }
    }

    private mutating func compositeValue(_ type: CQLDataType) -> CQLValue {
        let count = Int.random(in: 0...3, using: &generator)
        switch type {
        case .list(let element): return .list((0..<count).map { _ in value(element) })
        case .set(let element): return .set((0..<count).map { _ in value(element) })
        case .map(let key, let item): return .map((0..<count).map { _ in CQLMapEntry(key: value(key), value: value(item)) })
        case .tuple(let types): return .tuple(types.map { chance(20) ? nil : value($0) })
        default: fatalError("no generator for \(type)")
        }
    }

    private mutating func string(_ alphabet: [String]) -> String {
        (0..<Int.random(in: 0...4, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }.joined()
    }

    private mutating func byteString() -> [UInt8] {
        (0..<Int.random(in: 0...5, using: &generator)).map { _ in [0x00, 0x01, 0xFF, 0x7F, 0x80].randomElement(using: &generator)! }
    }

    private mutating func uuid(version: UInt64) -> CQLUUID {
        let high = chance(50) ? UInt64.random(in: 0...3, using: &generator) << 32 : generator.next()
        let low = chance(50) ? [0, 0x8000_0000_0000_0000, 0x7F00_0000_0000_0000, UInt64.max].randomElement(using: &generator)! : generator.next()
        return CQLUUID(high: (high & ~0xF000) | (version << 12), low: low)
    }

    mutating func varint() -> CQLVarint {
        if chance(50) { return CQLVarint(Int64(integer(Int16.self))) }
        let magnitude = (0..<Int.random(in: 0...20, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return CQLVarint(negative: chance(50), magnitude: magnitude)
    }
}
