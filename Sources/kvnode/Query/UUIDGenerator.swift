import KVCore

/// UUIDs for `now()` (version 1, time-based) and `uuid()` (version 4, random).
enum UUIDGenerator {
    /// 100-ns intervals between 1582-10-15 and 1970-01-01.
    static let gregorianOffset: UInt64 = 0x01B2_1DD2_1381_4000

    static func timeUUID(micros: Int64, random: any RandomSource) -> CQLUUID {
        let ticks = UInt64(max(0, micros)) * 10 + gregorianOffset + random.nextUInt64() % 10
        let high = (ticks & 0xFFFF_FFFF) << 32 | ((ticks >> 32) & 0xFFFF) << 16 | 0x1000 | (ticks >> 48) & 0x0FFF
        let low = (random.nextUInt64() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return CQLUUID(high: high, low: low)
    }

    static func randomUUID(_ random: any RandomSource) -> CQLUUID {
        let high = (random.nextUInt64() & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
        let low = (random.nextUInt64() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return CQLUUID(high: high, low: low)
    }
}
