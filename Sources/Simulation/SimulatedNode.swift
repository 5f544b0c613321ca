import Coordinator
import Gossip
import KVCore
import LSMStore
import Messaging
import Ring
import Synchronization

/// One node of a simulated cluster, running the node's real parts: the LSM store on its own
/// faulty `SimulatedFileSystem`, the hint store and dispatcher, gossip, the cluster view
/// rebuilt from gossip, and the storage coordinator, over the in-memory network. It can
/// crash (losing whatever was not synced) and restart from what its disk kept.
public final class SimulatedNode: Sendable {
    /// What a started node holds; dropped when it crashes.
    final class Running: Sendable {
        let store: LSMStore
        let transport: InMemoryTransport
        let coordinator: StorageCoordinator
        let view: CurrentView
        let batchlog: BatchlogStore?
        let tasks: [Task<Void, Never>]

        init(store: LSMStore, transport: InMemoryTransport, coordinator: StorageCoordinator, view: CurrentView,
             batchlog: BatchlogStore?, tasks: [Task<Void, Never>]) {
            self.store = store
            self.batchlog = batchlog
            self.transport = transport
            self.coordinator = coordinator
            self.view = view
            self.tasks = tasks
        }
    }

    public let index: Int
    public let hostID: HostID
    public let clock: SimulatedNodeClock
    let tokens: [Int64]
    let fileSystem = SimulatedFileSystem()
    private let environment: SimulationEnvironment
    private let running = Mutex<Running?>(nil)
    private let starts = Atomic<Int>(0)
    private let lastGeneration = Atomic<Int64>(0)

    static let directory = "/node"
    static let viewRefreshInterval = Duration.milliseconds(200)

    init(index: Int, tokens: [Int64], environment: SimulationEnvironment) {
        self.index = index
        self.tokens = tokens
        self.environment = environment
        hostID = HostID(high: UInt64(index + 1), low: environment.random.nextUInt64())
        clock = SimulatedNodeClock(executor: environment.executor)
    }

    public var address: NodeAddress { SimulationEnvironment.address(of: index) }
    var endpoint: GossipEndpoint { SimulationEnvironment.endpoint(of: index) }

    /// True between `start` and `crash`.
    public var isRunning: Bool { running.withLock { $0 != nil } }

    /// How many times the node has started; an operation whose coordinator's incarnation
    /// changed while it ran has an unknown outcome (its client's connection died).
    public var incarnation: Int { starts.load(ordering: .relaxed) }

    /// The running node's coordinator, or nil when it is down.
    var coordinator: StorageCoordinator? { running.withLock { $0?.coordinator } }

    /// How many batches the running node's batchlog holds (nil: down, or no batchlog).
    var batchlogEntryCount: Int? { running.withLock { $0?.batchlog?.count } }

    /// The running node's current cluster view, or nil when it is down.
    var view: ClusterView? { running.withLock { $0?.view.value } }

    /// Starts the node from what its disk holds: replays the commit log, reopens the
    /// hints, joins the network and gossip (with a newer generation), and starts the
    /// node's periodic tasks.
    func start() throws {
        precondition(!isRunning, "node \(index) is already running")
        let store = try LSMStore.open(directory: Self.directory, options: environment.storeOptions,
                                      fileSystem: fileSystem, clock: clock)
        if store.table(environment.table) == nil { _ = try store.createTable(environment.table) }
        let hintDirectory = Self.directory + "/hints"
        try fileSystem.createDirectory(hintDirectory)
        let hints = try HintStore(directory: hintDirectory, fileSystem: fileSystem, clock: clock,
                                  maxHintWindowMillis: 3 * 3_600_000, maxBytesPerHost: 64 << 20)
        let transport = try environment.network.join(at: address)
        let gossip = SimulatedGossip(gossiper: makeGossiper(), transport: transport, clock: clock)
        gossip.installHandlers()
        let replica = LSMReplicaStorage(store: store, suspendsForSync: false)
        let view = CurrentView(try ClusterView(gossip: gossip.members, localEndpoint: endpoint, localHost: hostID,
                                               localDatacenter: "dc1"))
        let batchlog = try openBatchlog()
        let coordinator = StorageCoordinator(
            transport: transport, storage: replica, clock: clock, hints: hints,
            batchlog: batchlog, random: environment.random, batchFailpoint: batchFailpoint,
            speculativeRetry: .percentile(99), sleepClock: environment.virtualClock,
            view: {
                let current = view.value
                ViewProbe.current?.record(current)
                return current
            })
        coordinator.installReplicaHandlers()
        HintDispatcher.installReceiver(on: transport) { mutation in try replica.apply(mutation) }
        let dispatcher = HintDispatcher(
            store: hints, transport: transport, clock: environment.virtualClock,
            isAlive: { host in view.value.alive.contains(host) },
            address: { host in view.value.addresses[host] }, throttle: .milliseconds(1))
        var tasks = [
            repeating(every: .milliseconds(environment.gossip.gossipIntervalMs)) { gossip.tick() },
            repeating(every: Self.viewRefreshInterval) { [endpoint, hostID] in
                guard let rebuilt = try? ClusterView(gossip: gossip.members, localEndpoint: endpoint, localHost: hostID,
                                                     localDatacenter: "dc1") else { return }
                view.value = rebuilt
            },
            Task.preferringInheritedExecutor { await dispatcher.run() },
        ]
        if let batchlog {
            let replayer = BatchlogReplayer(
                store: batchlog, coordinator: coordinator,
                replayTimeoutMillis: SimulationEnvironment.batchlogReplayTimeoutMillis,
                interval: SimulationEnvironment.batchlogReplayInterval, sleepClock: environment.virtualClock,
                replication: { [environment] _ in environment.replication })
            tasks.append(Task.preferringInheritedExecutor { await replayer.run() })
        }
        running.withLock {
            $0 = Running(store: store, transport: transport, coordinator: coordinator, view: view, batchlog: batchlog, tasks: tasks)
        }
        starts.wrappingAdd(1, ordering: .relaxed)
    }

    /// The node's batchlog (reopened from its disk), when the run uses batchlogs.
    private func openBatchlog() throws -> BatchlogStore? {
        guard environment.usesBatchlogs else { return nil }
        return try BatchlogStore(directory: Self.directory + "/batchlog", fileSystem: fileSystem, clock: clock,
                                 maxTotalBytes: 64 << 20)
    }

    /// With batchlogs, some logged batches stop after their first mutation, as if their
    /// coordinator died there (its other requests go on: only that batch is abandoned).
    private var batchFailpoint: BatchFailpoint? {
        guard environment.usesBatchlogs else { return nil }
        return BatchFailpoint(mutationsBeforeHalt: 1) { [random = environment.random] () throws(CoordinatorError) in
            if random.chance(SimulationEnvironment.batchCoordinatorDeathChance) {
                throw .invalid(SimulationEnvironment.batchCoordinatorDeath)
            }
        }
    }

    /// Kills the node as `kill -9` and a power cut would: its tasks and connections stop,
    /// and its disk keeps only what was synced (plus a random prefix of each unsynced tail).
    func crash() async {
        guard await halt() else { return }
        fileSystem.crash(unsynced: .keepRandomPrefix(environment.random))
    }

    /// Stops the node at the end of a run, keeping its disk as it is.
    func stop() async {
        await halt()
    }

    /// Cancels the node's tasks, leaves the network and stops the store without flushing.
    /// Returns false when the node was not running.
    @discardableResult
    private func halt() async -> Bool {
        guard let node = running.withLock({ running in
            defer { running = nil }
            return running
        }) else { return false }
        for task in node.tasks { task.cancel() }
        await node.transport.shutdown()
        node.store.stopAsIfKilled()
        return true
    }

    /// Every partition of the workload table this node holds, reconciled, with tombstones.
    func localPartitions() throws -> [PartitionUpdate] {
        guard let store = running.withLock({ $0?.store }) else { return [] }
        let everything = ReadCommand(table: environment.table, selection: .partitionRange(from: nil, to: nil),
                                     maxLiveRows: Int.max)
        return try LSMReplicaStorage(store: store).read(everything).partitions
    }

    private func makeGossiper() -> Gossiper {
        let generation = max(clock.nowSeconds(), lastGeneration.load(ordering: .relaxed) + 1)
        lastGeneration.store(generation, ordering: .relaxed)
        let states: [ApplicationStateKey: String] = [
            .hostID: hostID.uuidString, .datacenter: "dc1", .rack: "rack1",
            .tokens: TokenListValue.string(from: tokens), .status: NodeStatus.normal.value,
        ]
        return Gossiper(localEndpoint: endpoint, generation: generation, seeds: environment.seeds,
                        configuration: environment.gossip, random: environment.random, applicationStates: states)
    }

    /// A task that waits a random phase, then runs `body` every `interval` until cancelled.
    private func repeating(every interval: Duration, _ body: @escaping @Sendable () -> Void) -> Task<Void, Never> {
        let clock = environment.virtualClock
        let phase = Duration.milliseconds(Int64(environment.random.next(below: UInt64(interval / .milliseconds(1)))))
        return Task.preferringInheritedExecutor {
            do {
                try await clock.sleep(for: phase)
                while true {
                    body()
                    try await clock.sleep(for: interval)
                }
            } catch {
                return  // cancelled
            }
        }
    }
}

/// A node's cluster view, replaced by its refresh task and read by every request.
final class CurrentView: Sendable {
    private let current: Mutex<ClusterView>

    init(_ view: ClusterView) { current = Mutex(view) }

    var value: ClusterView {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
