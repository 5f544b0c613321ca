import KVCore

/// The identity of one logged batch: 128 random bits drawn by its coordinator. It names the
/// batch's file on every node that stores it, and the `batchRemove` message that forgets it.
public struct BatchID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A fresh id from `random` (the coordinator's `RandomSource`, seeded in the simulator).
    public static func random(using random: any RandomSource) -> BatchID {
        BatchID(high: random.nextUInt64(), low: random.nextUInt64())
    }

    public static func < (left: BatchID, right: BatchID) -> Bool {
        (left.high, left.low) < (right.high, right.low)
    }

    /// 32 lowercase hex digits: the file name stem of the batch on disk.
    public var description: String { Self.hex(high) + Self.hex(low) }

    /// Parses `description`; nil for anything else.
    public init?(hex text: some StringProtocol) {
        guard text.count == 32, text.allSatisfy(\.isHexDigit), text.allSatisfy({ !$0.isUppercase }),
              let high = UInt64(text.prefix(16), radix: 16), let low = UInt64(text.suffix(16), radix: 16) else { return nil }
        self.init(high: high, low: low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
