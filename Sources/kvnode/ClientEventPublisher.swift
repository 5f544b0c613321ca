import CQL
import Gossip
import Logging

/// Pushes protocol events to the CQL clients that registered for them, from this node's real
/// state: STATUS_CHANGE and TOPOLOGY_CHANGE from gossip (a peer's liveness, its joining or
/// leaving the ring, addressed by its gossiped native address and port), SCHEMA_CHANGE from
/// the user schema (local DDL and schemas merged from peers alike).
///
/// It polls: every `pollIntervalMilliseconds` it takes a gossip snapshot and the schema,
/// reduces them to what clients see (`ClientVisibleNode`, `SchemaOutline`) and broadcasts
/// what `ClusterEventDiff` and `SchemaEventDiff` find changed since the last poll. The first
/// poll only sets the baseline. Polling needs no hook in gossip or the schema service and
/// coalesces bursts; a client hears of a change within one interval. Runs until cancelled.
struct ClientEventPublisher: Sendable {
    static let pollIntervalMilliseconds = 200

    let broadcaster: CQLEventBroadcaster
    let gossip: GossipService
    let schema: SchemaService
    let localEndpoint: GossipEndpoint
    let logger: Logger

    /// Polls and broadcasts until the task is cancelled.
    func run() async {
        var nodes = clientView(of: await gossip.snapshot())
        var outline = Self.outline(of: await schema.schema)
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Self.pollIntervalMilliseconds))
            let currentNodes = clientView(of: await gossip.snapshot())
            let currentOutline = Self.outline(of: await schema.schema)
            var events = ClusterEventDiff.events(from: nodes, to: currentNodes)
            events += SchemaEventDiff.changes(from: outline, to: currentOutline).map(ProtocolEvent.schemaChange)
            for event in events {
                let reached = broadcaster.broadcast(event)
                logger.debug("client event \(event) sent to \(reached) connection(s)")
            }
            (nodes, outline) = (currentNodes, currentOutline)
        }
    }

    /// Every peer gossip knows whose native address is an IPv4 address, keyed by its
    /// internode endpoint. A node is in the ring while it has tokens and has not left;
    /// it is up while alive and not shut down.
    func clientView(of snapshot: [(endpoint: GossipEndpoint, state: EndpointState, isAlive: Bool)]) -> [String: ClientVisibleNode] {
        var view: [String: ClientVisibleNode] = [:]
        for entry in snapshot where entry.endpoint != localEndpoint {
            let state = entry.state
            guard let octets = IPv4Address(state[.nativeAddress] ?? entry.endpoint.host)?.octets else { continue }
            let port = state[.nativePort].flatMap(Int32.init) ?? 9042
            var hasLeft = false
            var isShutDown = false
            switch state.status {
            case .left?: hasLeft = true
            case .shutdown?: isShutDown = true
            default: break
            }
            view[entry.endpoint.description] = ClientVisibleNode(
                address: ProtocolInet(addressBytes: octets, port: port), isInRing: state.hasTokens && !hasLeft,
                isUp: entry.isAlive && !isShutDown, generation: state.heartbeat.generation)
        }
        return view
    }

    /// The live keyspaces, types and tables; definitions are their stored lines, which
    /// change with every DDL (each stamps a new timestamp).
    static func outline(of schema: Schema) -> SchemaOutline {
        var keyspaces: [String: SchemaOutline.Keyspace] = [:]
        for keyspace in schema.liveKeyspaces {
            keyspaces[keyspace.name] = SchemaOutline.Keyspace(definition: SchemaCodec.line(keyspace))
        }
        for type in schema.liveTypes {
            keyspaces[type.keyspace]?.types[type.name] = SchemaCodec.line(type)
        }
        for table in schema.liveTables {
            keyspaces[table.keyspace]?.tables[table.name] = SchemaOutline.Table(
                identity: table.uuidText, definition: SchemaCodec.lines(table).joined(separator: "\n"))
        }
        return SchemaOutline(keyspaces: keyspaces)
    }
}
