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
