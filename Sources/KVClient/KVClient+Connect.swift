import CQL
import KVCore
import NIOCore

extension KVClient {
    /// Connects to the cluster: the first contact point that answers (`host` or
    /// `host:port`, default `configuration.defaultPort`) is asked for `system.local` and
    /// `system.peers`, and the client knows every node from then on (connections to the others
    /// open as requests need them).
    /// - Throws: `.invalidArgument` for no or a malformed contact point, `.noHostAvailable`
    ///   with each contact point's failure when none answers, `.server` when the configured
    ///   keyspace does not exist.
    public static func connect(contactPoints: [String], configuration: KVClientConfiguration = KVClientConfiguration())
        async throws(KVClientError) -> KVClient {
        let addresses = try parse(contactPoints, defaultPort: configuration.defaultPort)
        var causes: [HostFailure] = []
        for address in addresses {
            do throws(KVClientError) {
                let client = try await connect(through: address, contactPoints: addresses, configuration: configuration)
                return client
            } catch {
                // A node that answered with an error (an unknown keyspace) speaks for the cluster.
                if case .server = error { throw error }
                causes.append(HostFailure(host: address.description, error: error))
            }
        }
        throw .noHostAvailable(causes: causes)
    }

    private static func parse(_ contactPoints: [String], defaultPort: Int) throws(KVClientError) -> [HostAddress] {
        guard !contactPoints.isEmpty else { throw .invalidArgument("no contact points") }
        var addresses: [HostAddress] = []
        for text in contactPoints {
            guard let address = HostAddress(parsing: text, defaultPort: defaultPort) else {
                throw .invalidArgument("bad contact point '\(text)' (expected host or host:port)")
            }
            if !addresses.contains(address) { addresses.append(address) }
        }
        return addresses
    }

    private static func connect(through address: HostAddress, contactPoints: [HostAddress],
                                configuration: KVClientConfiguration) async throws(KVClientError) -> KVClient {
        let connection = try await open(address, configuration: configuration)
        let hosts: [ClusterHost]
        do throws(KVClientError) {
            hosts = configuration.discoversPeers
                ? try await discover(on: connection, configuration: configuration)
                : contactPoints.map { ClusterHost(address: $0) }
        } catch {
            connection.close()
            throw error
        }
        let pools = hosts.map { HostPool(address: $0.address, configuration: configuration) }
        if let local = hosts.firstIndex(where: { $0.address == address }) { pools[local].adopt(connection) }
        let client = KVClient(configuration: configuration, hosts: hosts, pools: pools)
        if let keyspace = configuration.keyspace {
            do throws(KVClientError) {
                try await client.use(keyspace)
            } catch {
                client.close()
                throw error
            }
        }
        return client
    }

    private static func open(_ address: HostAddress, configuration: KVClientConfiguration)
        async throws(KVClientError) -> ClientConnection {
        do {
            return try await ClientConnection.open(to: address, configuration: configuration).get()
        } catch let error as KVClientError {
            throw error
        } catch {
            throw .connectionClosed(host: address.description, reason: "\(error)")
        }
    }

    /// The local node (reached at the connection's address) and its peers.
    static func discover(on connection: ClientConnection, configuration: KVClientConfiguration)
        async throws(KVClientError) -> [ClusterHost] {
        let local = try await systemRows(ClusterDiscovery.localQuery, on: connection)
        let localHost = ClusterDiscovery.localHost(local.first, contact: connection.address)
        // A node that cannot list its peers is still usable on its own.
        let peers = (try? await systemRows(ClusterDiscovery.peersQuery, on: connection)) ?? []
        return [localHost] + ClusterDiscovery.peers(peers, defaultPort: configuration.defaultPort, local: localHost)
    }

    static func systemRows(_ cql: String, on connection: ClientConnection) async throws(KVClientError) -> [Row] {
        let response = try await connection.send(.query(cql, QueryParameters(consistency: .one)))
        let result = try result(of: response, host: connection.address, knownColumns: nil, text: cql, keyspace: nil)
        return result.page?.rows ?? []
    }

    /// Reads `system.local` and `system.peers` again and adds nodes that appeared (nodes
    /// that left are kept, as drivers do until told otherwise; their pools just fail).
    public func refreshTopology() async throws(KVClientError) {
        let outcome = try await run(.options, routingToken: nil, keyspace: nil, prepared: nil)
        let discovered = try await Self.discover(on: outcome.connection, configuration: configuration)
        topology.withLock { topology in
            for var host in discovered {
                if let index = topology.hosts.firstIndex(where: { $0.address == host.address }) {
                    if host.tokens.isEmpty { host.tokens = topology.hosts[index].tokens }
                    topology.hosts[index] = host
                } else {
                    topology.hosts.append(host)
                    topology.pools.append(HostPool(address: host.address, configuration: configuration))
                }
            }
            topology.tokenMap = TokenMap(hosts: topology.hosts)
        }
        topologyVersion.add(1, ordering: .relaxed)
    }
}
