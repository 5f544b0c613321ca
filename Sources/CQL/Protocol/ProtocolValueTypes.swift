/// A bound value in a request, the protocol's `[value]`.
public enum ProtocolValue: Sendable, Hashable {
    /// Length -1: the value is null.
    case null
    /// Length -2: the value is not set (the column keeps its current value).
    case notSet
    /// The serialized value.
    case bytes([UInt8])
}

/// The protocol's 16-byte `[uuid]`, as two big-endian halves.
public struct ProtocolUUID: Sendable, Hashable {
    /// The first 8 bytes.
    public var high: UInt64
    /// The last 8 bytes.
    public var low: UInt64
    /// Creates a UUID from its halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// The protocol's `[inet]`: an IPv4 or IPv6 address and a port.
public struct ProtocolInet: Sendable, Hashable {
    /// 4 (IPv4) or 16 (IPv6) address bytes, network order.
    public var addressBytes: [UInt8]
    /// The port (the native port in events).
    public var port: Int32
    /// Creates an inet; requires 4 or 16 address bytes.
    public init(addressBytes: [UInt8], port: Int32) {
        precondition(addressBytes.count == 4 || addressBytes.count == 16, "inet needs 4 or 16 bytes")
        self.addressBytes = addressBytes
        self.port = port
    }
}

/// The protocol's `[consistency]` codes.
public enum ProtocolConsistency: UInt16, Sendable, Hashable, CaseIterable {
    case any = 0x0000
    case one = 0x0001
    case two = 0x0002
    case three = 0x0003
    case quorum = 0x0004
    case all = 0x0005
    case localQuorum = 0x0006
    case eachQuorum = 0x0007
    case serial = 0x0008
    case localSerial = 0x0009
    case localOne = 0x000A
}
