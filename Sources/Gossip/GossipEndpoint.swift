/// A node's identity in gossip: the address and port its internode (messaging) listener is
/// bound to. Two endpoints are the same node exactly when host and port are equal, so the
/// host must be spelled the same way everywhere (the shell normalises it, e.g. to a numeric
/// IP address). A node that restarts on the same address is the same endpoint with a new
/// heartbeat generation.
public struct GossipEndpoint: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The host name or numeric address, without brackets for IPv6. Non-empty.
    public let host: String
    /// The internode port.
    public let port: UInt16
    /// The host's first 16 UTF-8 bytes as two big-endian words, zero-padded: most
    /// comparisons end here. The gossiper sorts endpoints often, and comparing strings is slow.
    private let hostPrefixHigh: UInt64
    private let hostPrefixLow: UInt64

    /// Creates an endpoint; `host` must be non-empty and at most
    /// `GossipConfiguration.maxHostBytes` UTF-8 bytes to travel in a message.
    public init(host: String, port: UInt16) {
        precondition(!host.isEmpty, "an endpoint needs a host")
        self.host = host
        self.port = port
        (hostPrefixHigh, hostPrefixLow) = Self.prefixWords(of: host)
    }

    /// Parses `host:port` or `[ipv6]:port` (the form of `description`); nil when malformed.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"),
              let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { return nil }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, with IPv6 hosts in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Orders by the host's UTF-8 bytes, then by port: the order in which the gossiper walks
    /// endpoints, so that a run is reproducible whatever the process's hash seed.
    public static func < (left: GossipEndpoint, right: GossipEndpoint) -> Bool {
        if left.hostPrefixHigh != right.hostPrefixHigh { return left.hostPrefixHigh < right.hostPrefixHigh }
        if left.hostPrefixLow != right.hostPrefixLow { return left.hostPrefixLow < right.hostPrefixLow }
        if left.host != right.host { return left.host.utf8.lexicographicallyPrecedes(right.host.utf8) }
        return left.port < right.port
    }

    /// Same host (byte for byte) and same port.
    public static func == (left: GossipEndpoint, right: GossipEndpoint) -> Bool {
        left.port == right.port && left.hostPrefixHigh == right.hostPrefixHigh
            && left.hostPrefixLow == right.hostPrefixLow && left.host == right.host
    }

    /// Hashes host and port.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
    }

    private static func prefixWords(of host: String) -> (UInt64, UInt64) {
        var host = host
        return host.withUTF8 { bytes in
            var high: UInt64 = 0
            var low: UInt64 = 0
            for index in 0..<8 {
                high = high << 8 | (index < bytes.count ? UInt64(bytes[index]) : 0)
                low = low << 8 | (index + 8 < bytes.count ? UInt64(bytes[index + 8]) : 0)
            }
            return (high, low)
        }
    }
}
