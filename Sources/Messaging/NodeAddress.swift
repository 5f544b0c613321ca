/// Where a node listens for internode messages: a host (an IP address or a name) and a TCP
/// port. Value type; two addresses are equal when host text and port are equal, so
/// `127.0.0.1` and `localhost` are different nodes.
///
/// The host must be at most `NodeAddress.maxHostLengthBytes` bytes of UTF-8 to travel in a
/// frame (see FORMAT.md); `NIOTransport` checks its own address when it starts.
public struct NodeAddress: Hashable, Sendable, Comparable {
    /// The longest host, in UTF-8 bytes, that a frame can carry.
    public static let maxHostLengthBytes = 255

    /// An IPv4 or IPv6 literal, or a name the resolver knows.
    public var host: String
    /// The TCP port; 0 only when asking a transport to pick one.
    public var port: Int

    /// An address from its parts. Requires `port` in `0...65535`.
    public init(host: String, port: Int) {
        precondition((0...65535).contains(port), "port \(port) is outside 0...65535")
        self.host = host
        self.port = port
    }

    /// Orders by host text, then port: a stable order for logs and tests.
    public static func < (lhs: NodeAddress, rhs: NodeAddress) -> Bool {
        (lhs.host, lhs.port) < (rhs.host, rhs.port)
    }
}

extension NodeAddress: LosslessStringConvertible {
    /// Parses `host:port` or `[ipv6]:port`; nil when the text is not of that shape, the host
    /// is empty or too long, or the port is not a number in `0...65535`.
    public init?(_ description: String) {
        guard let colon = description.lastIndex(of: ":") else { return nil }
        var host = Substring(description[..<colon])
        let portText = description[description.index(after: colon)...]
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, host.utf8.count <= Self.maxHostLengthBytes,
            !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (0...65535).contains(port)
        else { return nil }
        self.init(host: String(host), port: port)
    }

    /// `host:port`, with an IPv6 host in brackets; `NodeAddress(description)` reads it back.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
