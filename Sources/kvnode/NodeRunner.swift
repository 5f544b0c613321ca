#if canImport(Glibc)
import Glibc
#endif
import Coordinator
import Dispatch
import Gossip
import KVCore
import LSMStore
import Logging
import Messaging
import NIOCore
import NIOPosix
import Ring
import Synchronization

/// One node's life: open storage, bind the internode port, join the ring through gossip,
/// serve status, and on SIGTERM or SIGINT drain (announce shutdown, flush memtables) and stop.
final class NodeRunner: Sendable {
    /// Advertised in gossip and `system.local`; drivers pick their schema parser by it
    /// (≥ 4.0 selects the `system_schema` one this node serves; cassandra-driver 3.30 has no
    /// newer parser, and negotiates the protocol version without it). cqlsh 6.2 warns unless
    /// it reads exactly 5.0.0, and sends DESCRIBE to the server only from 4 up.
    static let releaseVersion = "5.0.0"
    /// How long a first start waits to hear the ring from a seed before choosing tokens.
    static let ringDiscoverySeconds = 10
    let configuration: NodeConfiguration
    let logger: Logger
    let fileSystem: any FileSystem = PosixFileSystem()
    let clock: any Clock = SystemClock()
    let random = SystemRandomSource()
    let statusJSON = Mutex("{}")

    init(configuration: NodeConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    var listenEndpoint: GossipEndpoint {
        GossipEndpoint(host: configuration.listenAddress, port: UInt16(configuration.storagePort))
    }

    func run() async throws {
        let store = try openStore()
        let schema = try SchemaService(store: store, directory: configuration.dataDirectory, fileSystem: fileSystem,
                                       clock: clock, logger: logger)
        var identity = try loadIdentity()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let transport = try await startTransport(group: group)
        let gossip = try makeGossip(identity: identity, transport: transport, schemaVersion: await schema.version)
        guard let hostID = HostID(uuidString: identity.hostID) else {
            throw ConfigurationError(description: "bad host id \(identity.hostID)")
        }
        let clusterView = ClusterViewSource(gossip: gossip, localEndpoint: listenEndpoint, localHost: hostID,
                                            datacenter: configuration.datacenter, logger: logger)
        let replica = LSMReplicaStorage(store: store)
        let hints = try openHints()
        let batchlog = try openBatchlog()
        let coordinator = StorageCoordinator(transport: transport, storage: replica, clock: clock, hints: hints,
                                             batchlog: batchlog, random: random, batchFailpoint: batchFailpoint,
                                             speculativeRetry: configuration.speculativeRetryPolicy,
                                             scanExecutor: globalConcurrentExecutor, view: { clusterView.view })
        // Serve the replica side before gossip makes this node look alive: a peer's write or
        // hint that reached a node without handlers would be refused, and a refused write
        // leaves no hint.
        coordinator.installReplicaHandlers()
        HintDispatcher.installReceiver(on: transport) { mutation in try replica.apply(mutation) }
        await gossip.start()
        await schema.start(transport: transport, gossip: gossip, localEndpoint: listenEndpoint)
        if identity.tokens.isEmpty {
            identity.tokens = try await chooseTokens(gossip: gossip, hostID: identity.hostID)
            try saveIdentity(identity)
            await gossip.setApplicationStates([.tokens: TokenListValue.string(from: identity.tokens)])
        } else {
            try await waitForGossipToSettle(gossip)
        }
        // Listen for clients before announcing NORMAL: whoever sees this node up (kvcli,
        // drivers reading system.peers) can connect to it at once.
        let statusTask = Task { await self.refreshStatus(gossip: gossip, store: store) }
        let admin = try await AdminServer.start(host: configuration.listenAddress, port: configuration.adminPort,
                                                group: group, logger: logger) { [self] request in
            await route(request, maintenance: StoreMaintenance(store: store))
        }
        await clusterView.refresh()
        let clusterViewTask = Task { await clusterView.run() }
        let hintTask = hints.map { hints in
            Task {
                await HintDispatcher(store: hints, transport: transport, isAlive: { clusterView.view.alive.contains($0) },
                                     address: { clusterView.view.addresses[$0] }, throttle: .milliseconds(1)).run()
            }
        }
        let batchlogTask = Task {
            await BatchlogReplayer(store: batchlog, coordinator: coordinator,
                                   replayTimeoutMillis: Int64(configuration.batchlogReplayTimeout),
                                   interval: .milliseconds(configuration.batchlogReplayIntervalMs),
                                   replication: { keyspace in await Self.replication(of: keyspace, schema: schema) },
                                   gcGraceSeconds: { table in
                                       await schema.schema.liveTables.first { $0.id == table }.map { Int64($0.gcGraceSeconds) }
                                   },
                                   onProblem: { [logger] problem in logger.warning("\(problem)") }).run()
        }
        let executor = StatementExecutor(schema: schema, coordinator: coordinator, batchLimits: configuration.batchLimits,
                                         clock: clock, random: random)
        let systemTables = SystemQueryHandler(
            local: .init(configuration: configuration, endpoint: listenEndpoint, generation: identity.generation,
                         releaseVersion: Self.releaseVersion),
            gossip: gossip, schema: schema, executor: executor)
        let native = try await NativeServer.start(host: configuration.nativeAddress, port: configuration.nativePort,
                                                  group: group, logger: logger, requestHandler: systemTables)
        let eventsTask = Task {
            await ClientEventPublisher(broadcaster: native.events, gossip: gossip, schema: schema,
                                       localEndpoint: listenEndpoint, logger: logger).run()
        }
        await gossip.setStatus(.normal)
        logger.info("node \(identity.hostID) is up: internode \(listenEndpoint), CQL \(configuration.nativeAddress):\(configuration.nativePort), \(identity.tokens.count) tokens")
        await Self.waitForTerminationSignal()
        logger.info("draining")
        eventsTask.cancel()
        await native.close()
        statusTask.cancel()
        clusterViewTask.cancel()
        hintTask?.cancel()
        batchlogTask.cancel()
        await schema.stop()
        await gossip.shutdown()
        await admin.close()
        try store.close()
        await transport.shutdown()
        try? await group.shutdownGracefully()
        logger.info("drained; exiting")
    }

    // MARK: Startup steps

    private func openStore() throws -> LSMStore {
        let directory = configuration.dataDirectory
        do {
            try fileSystem.createDirectory(directory)
            let probe = joinPath(directory, ".write-probe")
            try fileSystem.openForAppend(probe, truncate: true).close()
            try fileSystem.removeFile(probe)
        } catch {
            throw ConfigurationError(description: "data_directory: cannot use \(directory): \(error)")
        }
        return try LSMStore.open(directory: directory, options: configuration.storeOptions, fileSystem: fileSystem,
                                 clock: clock)
    }

    /// The hint store in `<data_directory>/hints`, or nil when hinted handoff is off.
    private func openHints() throws -> HintStore? {
        guard configuration.hintedHandoffEnabled else { return nil }
        let directory = joinPath(configuration.dataDirectory, "hints")
        do {
            try fileSystem.createDirectory(directory)
            return try HintStore(directory: directory, fileSystem: fileSystem, clock: clock,
                                 maxHintWindowMillis: Int64(configuration.maxHintWindowMs), maxBytesPerHost: 1 << 30,
                                 onProblem: { [logger] problem in logger.warning("hints: \(problem)") })
        } catch {
            throw ConfigurationError(description: "data_directory: cannot use \(directory) for hints: \(error)")
        }
    }

    /// The batchlog in `<data_directory>/batchlog`.
    private func openBatchlog() throws -> BatchlogStore {
        let directory = joinPath(configuration.dataDirectory, "batchlog")
        do {
            return try BatchlogStore(directory: directory, fileSystem: fileSystem, clock: clock, maxTotalBytes: 1 << 30,
                                     onProblem: { [logger] problem in logger.warning("\(problem)") })
        } catch {
            throw ConfigurationError(description: "data_directory: cannot use \(directory) for the batchlog: \(error)")
        }
    }

    /// The test failpoint `failpoint_batch_exit_after_mutations`, or nil when off.
    private var batchFailpoint: BatchFailpoint? {
        guard configuration.failpointBatchExitAfterMutations >= 0 else { return nil }
        return BatchFailpoint(mutationsBeforeHalt: configuration.failpointBatchExitAfterMutations) { [logger] () throws(CoordinatorError) in
            logger.critical("failpoint_batch_exit_after_mutations: exiting in the middle of a logged batch")
            _exit(3)
        }
    }

    /// A keyspace's current replication, for batchlog replay; nil once it is dropped.
    static func replication(of keyspace: String, schema: SchemaService) async -> KeyspaceReplication? {
        guard let definition = await schema.schema.keyspace(keyspace),
              let strategy = try? ReplicationStrategies.strategy(for: definition) else { return nil }
        return KeyspaceReplication(keyspace: keyspace, strategy: strategy)
    }

    private func loadIdentity() throws -> NodeIdentity {
        var identity = try NodeIdentity.load(directory: configuration.dataDirectory, fileSystem: fileSystem)
            ?? NodeIdentity.fresh(random)
        identity.generation = max(clock.nowSeconds(), identity.generation + 1)
        try saveIdentity(identity)
        return identity
    }

    private func saveIdentity(_ identity: NodeIdentity) throws {
        try identity.save(directory: configuration.dataDirectory, fileSystem: fileSystem)
    }

    private func startTransport(group: any EventLoopGroup) async throws -> NIOTransport {
        let address = NodeAddress(host: configuration.listenAddress, port: configuration.storagePort)
        do {
            var messaging = MessagingConfiguration()
            let write = Duration.milliseconds(configuration.writeRequestTimeoutMs)
            messaging.verbTimeouts[.mutation] = write
            messaging.verbTimeouts[.hint] = write
            messaging.verbTimeouts[.batchStore] = write
            messaging.verbTimeouts[.batchRemove] = write
            messaging.verbTimeouts[.read] = .milliseconds(configuration.readRequestTimeoutMs)
            messaging.verbTimeouts[.rangeRead] = .milliseconds(configuration.rangeRequestTimeoutMs)
            messaging.verbTimeouts[.filteredScan] = .milliseconds(configuration.rangeRequestTimeoutMs)
            return try await NIOTransport.start(listeningOn: address, configuration: messaging, group: group, logger: logger)
        } catch {
            throw ConfigurationError(description: "listen_address/storage_port: \(error)")
        }
    }

    private func makeGossip(identity: NodeIdentity, transport: any Transport, schemaVersion: String) throws -> GossipService {
        var gossipConfiguration = GossipConfiguration(clusterName: configuration.clusterName)
        gossipConfiguration.phiConvictThreshold = configuration.phiConvictThreshold
        let seeds = try configuration.seeds.map { seed in
            let (host, port) = try configuration.parseSeed(seed)
            return GossipEndpoint(host: host, port: UInt16(port))
        }
        var states: [ApplicationStateKey: String] = [
            .hostID: identity.hostID, .datacenter: configuration.datacenter, .rack: configuration.rack,
            .releaseVersion: Self.releaseVersion, .nativeAddress: configuration.nativeAddress,
            .nativePort: String(configuration.nativePort), .internodeAddress: listenEndpoint.description,
            .load: "0", .schemaVersion: schemaVersion,
            // A restarted node owns its tokens already: it is NORMAL at once, as in Cassandra.
            // Announcing JOINING would take it out of every peer's ring until it is ready, and
            // writes meanwhile would go to the other replicas only, without hints for it.
            .status: (identity.tokens.isEmpty ? NodeStatus.joining : NodeStatus.normal).value,
        ]
        if !identity.tokens.isEmpty { states[.tokens] = TokenListValue.string(from: identity.tokens) }
        let gossiper = Gossiper(localEndpoint: listenEndpoint, generation: identity.generation, seeds: seeds,
                                configuration: gossipConfiguration, random: random, applicationStates: states)
        return GossipService(gossiper: gossiper, transport: transport, clock: clock, logger: logger)
    }

    /// A restarted node learns the ring again from gossip. Until it has, its view holds only
    /// itself (so every QUORUM request would be Unavailable), so clients are let in only
    /// once gossip has settled, as Cassandra's `waitToSettle`: some peer has been heard (or
    /// none answered for `quietSeconds`) and the known endpoints stayed the same for two
    /// polls in a row. Bounded by `ringDiscoverySeconds`.
    private func waitForGossipToSettle(_ gossip: GossipService) async throws {
        guard hasOtherSeeds else { return }
        let poll = Duration.milliseconds(500)
        let quietPolls = 6, maxPolls = Self.ringDiscoverySeconds * 2
        var known = await gossip.snapshot().count
        var stablePolls = 0
        for polls in 1...maxPolls {
            try await Task.sleep(for: poll)
            let now = await gossip.snapshot().count
            stablePolls = now == known ? stablePolls + 1 : 0
            known = now
            if stablePolls >= 2, known > 1 || polls >= quietPolls { break }
        }
        logger.info("gossip settled: \(known) endpoint(s) known")
    }

    private var hasOtherSeeds: Bool {
        configuration.seeds.contains { (try? configuration.parseSeed($0))?.host != configuration.listenAddress
            || (try? configuration.parseSeed($0))?.port != configuration.storagePort }
    }

    /// Learns the ring from the seeds (unless this node is the only one it knows of), then
    /// picks tokens that keep ownership even.
    private func chooseTokens(gossip: GossipService, hostID: String) async throws -> [Int64] {
        if hasOtherSeeds {
            for _ in 0..<(Self.ringDiscoverySeconds * 4) {
                if await ringView(gossip: gossip).count > 0 { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            // One more round so that what the seed knows of others reaches us too.
            try await Task.sleep(for: .seconds(2))
        }
        let ring = await ringView(gossip: gossip)
        guard let id = HostID(uuidString: hostID) else { throw ConfigurationError(description: "bad host id \(hostID)") }
        let node = RingNode(id: id, datacenter: configuration.datacenter, rack: configuration.rack)
        let allocator = try TokenAllocator(tokensPerNode: configuration.numTokens)
        let tokens = try allocator.tokens(for: node, joining: ring, random: random).map(\.value)
        logger.info("chose \(tokens.count) tokens against a ring of \(ring.nodes.count) node(s)")
        return tokens
    }

    /// The ring as gossip describes it: every other endpoint that announced tokens.
    func ringView(gossip: GossipService) async -> TokenRing {
        let members = await gossip.snapshot().compactMap { entry -> (node: RingNode, tokens: [Token])? in
            guard entry.endpoint != listenEndpoint, !entry.state.isInDeadState,
                  let id = entry.state[.hostID].flatMap(HostID.init(uuidString:)),
                  let tokens = entry.state[.tokens].flatMap({ TokenListValue.tokens(from: $0) }), !tokens.isEmpty else { return nil }
            let node = RingNode(id: id, datacenter: entry.state[.datacenter] ?? "dc1", rack: entry.state[.rack] ?? "rack1")
            return (node, tokens.map(Token.init))
        }
        do {
            return try TokenRing(members)
        } catch {
            logger.warning("gossip describes an inconsistent ring (\(error)); treating it as empty")
            return try! TokenRing([])
        }
    }

    // MARK: Status

    /// Answers the admin port: `GET /status`, `GET /health`, `POST /flush`, `POST /compact`.
    private func route(_ request: AdminRequest, maintenance: StoreMaintenance) async -> AdminResponse {
        switch (request.method, request.path) {
        case ("GET", "/status"): return AdminResponse(status: 200, body: statusJSON.withLock { $0 })
        case ("GET", "/health"): return AdminResponse(status: 200, body: "{\"status\":\"ok\"}")
        case ("POST", "/flush"): return await maintenance.run(.flush)
        case ("POST", "/compact"): return await maintenance.run(.compact)
        case (_, "/status"), (_, "/health"):
            return AdminResponse(status: 405, body: "{\"error\":\"\(request.path) answers only GET\"}")
        case (_, "/flush"), (_, "/compact"):
            return AdminResponse(status: 405, body: "{\"error\":\"\(request.path) answers only POST\"}")
        default:
            return AdminResponse(status: 404, body: StoreMaintenance.json(
                ["error": "no such path \(request.path); try GET /status, GET /health, POST /flush or POST /compact"]))
        }
    }

    /// Rebuilds the status report twice a second, and publishes this node's load.
    private func refreshStatus(gossip: GossipService, store: LSMStore) async {
        var round = 0
        while !Task.isCancelled {
            if round % 20 == 0 { await gossip.setApplicationStates([.load: String(store.liveDataSizeBytes)]) }
            let report = await StatusReportBuilder(clusterName: configuration.clusterName, local: listenEndpoint)
                .build(from: gossip.snapshot())
            statusJSON.withLock { $0 = report }
            round += 1
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    // MARK: Signals

    /// Returns on SIGTERM or SIGINT.
    static func waitForTerminationSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let fired = Mutex(false)
            var sources: [any DispatchSourceSignal] = []
            for signalNumber in [SIGTERM, SIGINT] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    let first = fired.withLock { fired in
                        defer { fired = true }
                        return !fired
                    }
                    if first { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            signalSources = sources
        }
    }

    /// Keeps the signal sources alive for the life of the process (written once, at startup).
    nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []
}
