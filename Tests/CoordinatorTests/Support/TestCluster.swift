import Coordinator
import KVCore
import Messaging
import Ring
import Synchronization

/// A cluster of in-memory nodes on one `InMemoryNetwork`: each node has its own
/// `MemoryReplicaStorage`, `StorageCoordinator` (replica handlers installed) and view of the
/// cluster, built from a ring of seeded random tokens. All nodes share one `ManualClock`.
/// Which nodes the views hold dead is set with `markDead`; network faults with `network`.
final class TestCluster: Sendable {
    struct Node: Sendable {
        let id: HostID
        let address: NodeAddress
        let datacenter: String
        let transport: DelayingTransport
        let storage: MemoryReplicaStorage
        let coordinator: StorageCoordinator
        var hints: HintStore? = nil
        var batchlog: BatchlogStore? = nil
    }

    static let table = TableID(high: 0xC0FF_EE00, low: 42)
    /// Verb timeouts long enough that a request expected to succeed never hits them with
    /// every suite running at once on two cores; the timeout cases wait this long.
    static let verbTimeout: Duration = .seconds(2)

    let network: InMemoryNetwork
    let clock: ManualClock
    let ring: TokenRing
    let nodes: [Node]
    private let liveness: Liveness

    /// `datacenters[i]` is node i's datacenter; each node gets `tokensPerNode` random tokens.
    /// With `hints`, every node keeps a hint store on `hintFileSystem` (in `/hints/<i>`); every
    /// coordinator speculates under `speculativeRetry`. With `batchlogFileSystem`, every node
    /// keeps a batchlog there (in `/batchlog/<i>`); coordinators stop logged batches under
    /// `batchFailpoint`.
    init(datacenters: [String], tokensPerNode: Int = 4, seed: UInt64 = 1,
         hintFileSystem: SimulatedFileSystem? = nil, speculativeRetry: SpeculativeRetryPolicy = .none,
         batchlogFileSystem: SimulatedFileSystem? = nil, batchFailpoint: BatchFailpoint? = nil) throws {
        var configuration = MessagingConfiguration()
        configuration.verbTimeouts[.mutation] = Self.verbTimeout
        configuration.verbTimeouts[.read] = Self.verbTimeout
        configuration.verbTimeouts[.rangeRead] = Self.verbTimeout
        configuration.verbTimeouts[.filteredScan] = Self.verbTimeout
        configuration.verbTimeouts[.truncate] = Self.verbTimeout
        configuration.verbTimeouts[.batchStore] = Self.verbTimeout
        configuration.verbTimeouts[.hint] = Self.verbTimeout
        network = InMemoryNetwork(configuration: configuration)
        let clock = ManualClock()
        self.clock = clock
        let random = SeededRandomSource(seed: seed)
        var members: [(node: RingNode, tokens: [Token])] = []
        var used: Set<Token> = []
        for (index, datacenter) in datacenters.enumerated() {
            var tokens: [Token] = []
            while tokens.count < tokensPerNode {
                let token = Token(Int64(bitPattern: random.nextUInt64()))
                if token != .minimum, used.insert(token).inserted { tokens.append(token) }
            }
            let id = HostID(high: 0xA, low: UInt64(index + 1))
            members.append((RingNode(id: id, datacenter: datacenter, rack: "rack\(index % 2)"), tokens))
        }
        ring = try TokenRing(members)
        var addresses: [HostID: NodeAddress] = [:]
        for (index, member) in members.enumerated() {
            addresses[member.node.id] = NodeAddress(host: "10.0.0.\(index + 1)", port: 7000)
        }
        let addressBook = addresses
        let liveness = Liveness(all: Set(members.map(\.node.id)))
        self.liveness = liveness
        var nodes: [Node] = []
        for member in members {
            let address = addressBook[member.node.id]!
            let transport = DelayingTransport(try network.join(at: address))
            let storage = MemoryReplicaStorage(nowSeconds: { clock.nowSeconds() })
            let view: @Sendable () -> ClusterView = { [ring] in
                ClusterView(ring: ring, addresses: addressBook, alive: liveness.alive, localHost: member.node.id,
                            localDatacenter: member.node.datacenter)
            }
            var hints: HintStore?
            if let hintFileSystem {
                let directory = "/hints/\(member.node.id)"
                try? hintFileSystem.createDirectory("/hints")
                try hintFileSystem.createDirectory(directory)
                hints = try HintStore(directory: directory, fileSystem: hintFileSystem, clock: clock,
                                      maxHintWindowMillis: 3_600_000, maxBytesPerHost: 1 << 20)
            }
            var batchlog: BatchlogStore?
            if let batchlogFileSystem {
                batchlog = try BatchlogStore(directory: "/batchlog/\(member.node.id)", fileSystem: batchlogFileSystem, clock: clock,
                                             maxTotalBytes: 1 << 20)
            }
            let coordinator = StorageCoordinator(transport: transport, storage: storage, clock: clock, hints: hints,
                                                 batchlog: batchlog, random: SeededRandomSource(seed: seed &+ UInt64(nodes.count)),
                                                 batchFailpoint: batchFailpoint, speculativeRetry: speculativeRetry, view: view)
            nodes.append(Node(id: member.node.id, address: address, datacenter: member.node.datacenter,
                              transport: transport, storage: storage, coordinator: coordinator, hints: hints, batchlog: batchlog))
        }
        self.nodes = nodes
        for node in nodes { node.coordinator.installReplicaHandlers() }
    }

    /// Marks node `index` dead (or alive again) in every node's view.
    func markDead(_ index: Int, _ dead: Bool = true) {
        liveness.setDead(nodes[index].id, dead)
    }

    /// Loses every message to and from node `index` until `heal`.
    func isolate(_ index: Int) { network.updateFaults { $0.isolate(nodes[index].address) } }
    func heal() { network.updateFaults { $0.healAll() } }

    func index(of id: HostID) -> Int { nodes.firstIndex { $0.id == id }! }

    /// The node indices that replicate `key` under `replication`, primary first.
    func replicaIndices(of key: [UInt8], _ replication: KeyspaceReplication) -> [Int] {
        ReplicaMap(ring: ring, strategy: replication.strategy)
            .replicas(for: StoragePartitionKey.token(of: key)).map(index(of:))
    }

    func shutdown() async {
        for node in nodes { await node.transport.shutdown() }
    }
}

/// Which nodes the views hold alive, shared by every node's view closure.
final class Liveness: Sendable {
    private let all: Set<HostID>
    private let dead = Mutex<Set<HostID>>([])

    init(all: Set<HostID>) { self.all = all }

    var alive: Set<HostID> { all.subtracting(dead.withLock { $0 }) }

    func setDead(_ id: HostID, _ isDead: Bool) {
        dead.withLock { set in
            if isDead { set.insert(id) } else { set.remove(id) }
        }
    }
}

/// An `InMemoryTransport` whose requests to chosen peers wait first, as a request queued
/// behind a slow connection does; like `NIOTransport`, a request whose task is cancelled
/// while it waits is never sent. It counts the data and digest replies to `read` requests.
final class DelayingTransport: Transport {
    private let inner: InMemoryTransport
    private let delays = Mutex<[NodeAddress: Duration]>([:])
    private let replies = Mutex<(data: Int, digest: Int)>((0, 0))

    /// Data and digest replies this node received for single-partition reads.
    var readReplies: (data: Int, digest: Int) { replies.withLock { $0 } }

    init(_ inner: InMemoryTransport) { self.inner = inner }

    /// Requests to `peer` wait `delay` (nil: none) before they are sent.
    func setDelay(_ delay: Duration?, to peer: NodeAddress) {
        delays.withLock { $0[peer] = delay }
    }

    var localAddress: NodeAddress { inner.localAddress }
    var statistics: TransportStatistics { inner.statistics }

    func setHandler(for verb: Verb, _ handler: MessageHandler?) { inner.setHandler(for: verb, handler) }

    func send(_ payload: [UInt8], verb: Verb, to destination: NodeAddress) {
        inner.send(payload, verb: verb, to: destination)
    }

    func request(_ payload: [UInt8], verb: Verb, to destination: NodeAddress,
                 timeout: Duration?) async throws(MessagingError) -> [UInt8] {
        if let delay = delays.withLock({ $0[destination] }) {
            do { try await Task.sleep(for: delay) } catch { throw .cancelled }
        }
        let reply = try await inner.request(payload, verb: verb, to: destination, timeout: timeout)
        if verb == .read, let decoded = try? ReplicaMessageCodec.decodeReadReply(reply) {
            replies.withLock { counts in
                if case .digest = decoded { counts.digest += 1 } else { counts.data += 1 }
            }
        }
        return reply
    }

    func shutdown() async { await inner.shutdown() }
}
