
/// A node's permanent identity on the ring: a 128-bit UUID, Cassandra's `host_id`.
///
/// It survives address changes and restarts; gossip spreads it and drivers read it from
/// `system.local`/`system.peers`. Ordered by its 128 bits (so sorting is deterministic).
public struct HostID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The first 64 bits (the first 16 hex digits of the UUID string).
    public var high: UInt64
    /// The last 64 bits.
    public var low: UInt64

    /// The UUID whose bits are `high` then `low`.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A random (version 4, RFC 4122 variant) UUID drawn from `random`.
    public static func random(using random: some RandomSource) -> HostID {
        let versionMask: UInt64 = 0xFFFF_FFFF_FFFF_0FFF
        let variantMask: UInt64 = 0x3FFF_FFFF_FFFF_FFFF
        return HostID(high: random.nextUInt64() & versionMask | 0x4000,
                      low: random.nextUInt64() & variantMask | 0x8000_0000_0000_0000)
    }

    public static func < (left: HostID, right: HostID) -> Bool {
        (left.high, left.low) < (right.high, right.low)
    }

    /// The canonical lowercase form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    public var uuidString: String {
        let digits = hexDigits(high, count: 16) + hexDigits(low, count: 16)
        let groupLengths = [8, 4, 4, 4, 12]
        var groups: [Substring] = []
        var start = digits.startIndex
        for length in groupLengths {
            let end = digits.index(start, offsetBy: length)
            groups.append(digits[start..<end])
            start = end
        }
        return groups.joined(separator: "-")
    }

    public var description: String { uuidString }

    /// Parses the canonical 36-character form (hex digits in either case); `nil` otherwise.
    public init?(uuidString text: String) {
        let characters = Array(text.utf8)
        guard characters.count == 36 else { return nil }
        let dashPositions: Set<Int> = [8, 13, 18, 23]
        var value: (high: UInt64, low: UInt64) = (0, 0)
        var digitCount = 0
        for (position, character) in characters.enumerated() {
            if dashPositions.contains(position) {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = Self.nibble(character) else { return nil }
            if digitCount < 16 { value.high = value.high << 4 | nibble } else { value.low = value.low << 4 | nibble }
            digitCount += 1
        }
        self.init(high: value.high, low: value.low)
    }

    private static func nibble(_ character: UInt8) -> UInt64? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(character - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(character - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(character - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private func hexDigits(_ value: UInt64, count: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: count - digits.count) + digits
    }
}
