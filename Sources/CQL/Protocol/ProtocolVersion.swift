/// The protocol versions this codec speaks.
public enum ProtocolVersion {
    /// The only version served: 4.
    public static let current: UInt8 = 4
    /// `PROTOCOL_VERSIONS`-style description of what we serve.
    public static let supportedDescription = "4/v4"

    /// Whether `version` (without the direction bit) is one a driver might plausibly send and
    /// should be answered with an "unsupported protocol version" ERROR: v1–v6 and DSE v1/v2
    /// (0x41, 0x42). Any other first byte (0x16 TLS, an HTTP verb...) is not CQL at all.
    public static func isAnswerable(_ version: UInt8) -> Bool {
        (1...6).contains(version) || version == 0x41 || version == 0x42
    }
}
