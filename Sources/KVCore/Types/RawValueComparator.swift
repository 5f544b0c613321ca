/// `CQLDataType.compare` on values read in place, without allocating for the types filters
/// test most (text, integers, timestamps, booleans, floating point). Other types, and
/// values of the wrong width, take `CQLDataType.compare` on copies; the order is the same.
public enum RawValueComparator: Sendable, Hashable {
    /// text, ascii, blob, inet: unsigned bytes.
    case bytes
    /// tinyint, smallint, int, bigint, counter, timestamp, time: big-endian two's complement.
    case signedInteger(width: Int)
    /// date: big-endian unsigned.
    case unsignedInteger(width: Int)
    case boolean
    case float
    case double
    case generic(CQLDataType)

    public init(_ type: CQLDataType) {
        switch type.unfrozen {
        case .text, .ascii, .blob, .inet: self = .bytes
        case .tinyint, .smallint, .int, .bigint, .counter, .timestamp, .time:
            self = .signedInteger(width: type.fixedWidthBytes!)
        case .date: self = .unsignedInteger(width: 4)
        case .boolean: self = .boolean
        case .float: self = .float
        case .double: self = .double
        default: self = .generic(type)
        }
    }

    /// -1, 0 or 1, as `CQLDataType.compare` orders the two values.
    public func compare(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
        if left.isEmpty || right.isEmpty { return left.isEmpty ? (right.isEmpty ? 0 : -1) : 1 }
        switch self {
        case .bytes:
            return compareUnsigned(left, right)
        case .signedInteger(let width):
            guard left.count == width, right.count == width else { return fallback(left, right) }
            return Self.order(Self.signed(left), Self.signed(right))
        case .unsignedInteger(let width):
            guard left.count == width, right.count == width else { return fallback(left, right) }
            return compareUnsigned(left, right)
        case .boolean:
            guard left.count == 1, right.count == 1 else { return fallback(left, right) }
            return Self.order(left[0] == 0 ? 0 : 1, right[0] == 0 ? 0 : 1)
        case .float:
            guard left.count == 4, right.count == 4 else { return fallback(left, right) }
            return Self.javaOrder(Double(Float(bitPattern: UInt32(truncatingIfNeeded: Self.unsigned(left)))),
                                  Double(Float(bitPattern: UInt32(truncatingIfNeeded: Self.unsigned(right)))))
        case .double:
            guard left.count == 8, right.count == 8 else { return fallback(left, right) }
            return Self.javaOrder(Double(bitPattern: Self.unsigned(left)), Double(bitPattern: Self.unsigned(right)))
        case .generic:
            return fallback(left, right)
        }
    }

    private var type: CQLDataType {
        switch self {
        case .bytes: .blob
        case .signedInteger(let width): [1: CQLDataType.tinyint, 2: .smallint, 4: .int][width] ?? .bigint
        case .unsignedInteger: .date
        case .boolean: .boolean
        case .float: .float
        case .double: .double
        case .generic(let type): type
        }
    }

    private func fallback(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Int {
        type.compare(Array(left), Array(right))
    }

    private static func unsigned(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        return value
    }

    private static func signed(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        let shift = UInt64(64 - 8 * bytes.count)
        return Int64(bitPattern: unsigned(bytes) << shift) >> Int64(shift)
    }

    private static func order<T: Comparable>(_ left: T, _ right: T) -> Int {
        left < right ? -1 : (left == right ? 0 : 1)
    }

    /// Java's `Double.compare`: -0.0 below 0.0, every NaN equal and above +infinity.
    private static func javaOrder(_ left: Double, _ right: Double) -> Int {
        if left.isNaN || right.isNaN { return left.isNaN ? (right.isNaN ? 0 : 1) : -1 }
        if left == right { return order(left.sign == .minus ? 0 : 1, right.sign == .minus ? 0 : 1) }
        return left < right ? -1 : 1
    }
}
