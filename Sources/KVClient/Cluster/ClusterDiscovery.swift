import KVCore

/// Reads the cluster's nodes from `system.local` and `system.peers` rows.
///
/// Columns used: `rpc_address` (else `native_address`, else `peer`; `0.0.0.0`/`::`/null fall
/// back to `peer`), `rpc_port` or `native_port` (else the default port), `host_id`,
/// `data_center`, `tokens` (set of decimal tokens). The local node is reached at the contact
/// point that answered, whatever it reports.
enum ClusterDiscovery {
    /// The statement reading the local node.
    static let localQuery = "SELECT * FROM system.local WHERE key='local'"
    /// The statement reading the other nodes.
    static let peersQuery = "SELECT * FROM system.peers"

    /// The local node, reached at `contact`.
    static func localHost(_ row: Row?, contact: HostAddress) -> ClusterHost {
        guard let row else { return ClusterHost(address: contact) }
        return ClusterHost(address: contact, hostID: uuid(row["host_id"]), datacenter: text(row["data_center"]),
                           tokens: tokens(row["tokens"]))
    }

    /// The peers with a usable address, skipping any that duplicate `local`.
    static func peers(_ rows: [Row], defaultPort: Int, local: ClusterHost) -> [ClusterHost] {
        var hosts: [ClusterHost] = []
        for row in rows {
            guard let address = peerAddress(row, defaultPort: defaultPort), address != local.address else { continue }
            let host = ClusterHost(address: address, hostID: uuid(row["host_id"]),
                                   datacenter: text(row["data_center"]), tokens: tokens(row["tokens"]))
            if let id = host.hostID, id == local.hostID { continue }
            if hosts.contains(where: { $0.address == address }) { continue }
            hosts.append(host)
        }
        return hosts
    }

    private static func peerAddress(_ row: Row, defaultPort: Int) -> HostAddress? {
        let candidates = [row["rpc_address"], row["native_address"], row["peer"]]
        var host: String?
        for candidate in candidates {
            guard case .inet(let bytes) = candidate, let text = InetFormatting.string(bytes) else { continue }
            if text == "0.0.0.0" || text == "::" { continue }
            host = text
            break
        }
        guard let host else { return nil }
        var port = defaultPort
        if case .int(let value) = row["rpc_port"] ?? row["native_port"], (1...65_535).contains(value) {
            port = Int(value)
        }
        return HostAddress(host: host, port: port)
    }

    private static func uuid(_ value: CQLValue?) -> CQLUUID? {
        if case .uuid(let id) = value { return id }
        if case .timeuuid(let id) = value { return id }
        return nil
    }

    private static func text(_ value: CQLValue?) -> String? {
        switch value {
        case .text(let text), .ascii(let text): return text
        default: return nil
        }
    }

    private static func tokens(_ value: CQLValue?) -> [Token] {
        switch value {
        case .set(let elements), .list(let elements):
            return elements.compactMap { element -> Token? in
                switch element {
                case .text(let text), .ascii(let text): return Int64(text).map(Token.init)
                case .bigint(let value): return Token(value)
                default: return nil
                }
            }
        default: return []
        }
    }
}
