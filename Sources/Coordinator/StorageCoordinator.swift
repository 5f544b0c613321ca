import KVCore
import LSMStore
import Messaging
import Ring
import Synchronization

/// The coordinator of DESIGN §6: sends each write to every live replica of its partition and
/// each read to as many replicas as the consistency level needs, and answers once they have.
/// It also serves the replica side of those verbs for other coordinators.
///
/// Written against `Transport`, `Clock` and `ReplicaStorage`, so the simulator and the real
/// node run the same code. Single-partition reads ask one replica for data and the others
/// for digests (`StorageCoordinator+DigestRead`, in Reads/).
public final class StorageCoordinator: Sendable {
    let transport: any Transport
    let storage: any ReplicaStorage
    let clock: any Clock
    let view: @Sendable () -> ClusterView
    private let lastTimestamp = Mutex<Int64>(0)
    private let replicaMaps = Mutex<[ReplicaMapKey: ReplicaMap]>([:])
    let readRepairs = Atomic<Int>(0)
    let digestMismatches = Atomic<Int>(0)

    let hints: HintStore?
    let batchlog: BatchlogStore?
    let random: any RandomSource
    let batchFailpoint: BatchFailpoint?
    let speculativeRetry: SpeculativeRetryPolicy
    let speculativeRetries = Atomic<Int>(0)
    let readLatencies = Mutex(ReadLatencyWindow())
    let sleepClock: any _Concurrency.Clock<Duration>
    let scanExecutor: (any TaskExecutor)?

    /// `view` returns the current cluster view; it is called once per request. With `hints`,
    /// a write that misses a replica (down, or timed out) leaves a hint for it there. Under
    /// `speculativeRetry`, a read still short of its level after the policy's delay also
    /// asks the next replica instead of waiting for a slow one's timeout; that delay is
    /// waited on `sleepClock` (a virtual clock in the simulator), and replica latencies for
    /// a percentile policy are measured with `clock`. With `batchlog`, this node keeps the
    /// batchlog entries other coordinators send it, and logged batches over several
    /// partitions go through batchlogs (`writeLogged`); `random` picks batchlog nodes and
    /// batch ids; `batchFailpoint` (tests only) stops a logged batch half-way. Filtered scans
    /// run their local sub-range scans on `scanExecutor` when given (the node passes the
    /// global pool: requests run on their connection's event loop, where the scans would
    /// run one at a time and hold up the loop's other connections).
    public init(transport: any Transport, storage: any ReplicaStorage, clock: any Clock, hints: HintStore? = nil,
                batchlog: BatchlogStore? = nil, random: any RandomSource = SystemRandomSource(),
                batchFailpoint: BatchFailpoint? = nil,
                speculativeRetry: SpeculativeRetryPolicy = .none,
                sleepClock: any _Concurrency.Clock<Duration> = ContinuousClock(),
                scanExecutor: (any TaskExecutor)? = nil,
                view: @escaping @Sendable () -> ClusterView) {
        self.scanExecutor = scanExecutor
        self.batchlog = batchlog
        self.random = random
        self.batchFailpoint = batchFailpoint
        self.sleepClock = sleepClock
        self.transport = transport
        self.storage = storage
        self.clock = clock
        self.hints = hints
        self.speculativeRetry = speculativeRetry
        self.view = view
    }

    /// How many reads asked an extra replica because one was slow, since start.
    public var speculativeRetryCount: Int { speculativeRetries.load(ordering: .relaxed) }

    /// How many digest reads found a replica's digest differing from the data, since start
    /// (each one then read full data from every replica that answered).
    public var digestMismatchCount: Int { digestMismatches.load(ordering: .relaxed) }

    /// Serves `mutation` and `read` requests from other coordinators.
    public func installReplicaHandlers() {
        transport.setHandler(for: .mutation) { [storage] message in
            do {
                try await storage.applyAwaitingSync(try ReplicaMessageCodec.decodeMutation(message.payload))
                return .success([])
            } catch {
                return .failure("\(error)")
            }
        }
        transport.setHandler(for: .truncate) { [storage] message in
            do {
                try storage.truncate(try ReplicaMessageCodec.decodeTable(message.payload))
                return .success([])
            } catch {
                return .failure("\(error)")
            }
        }
        let read: MessageHandler = { [storage] message in
            do {
                let command = try ReplicaMessageCodec.decodeReadCommand(message.payload)
                let response = try storage.read(command.digestOnly(false))
                if command.isDigestOnly { return .success(ReplicaMessageCodec.encode(.digest(.of(response)))) }
                return .success(ReplicaMessageCodec.encode(response))
            } catch {
                return .failure("\(error)")
            }
        }
        transport.setHandler(for: .read, read)
        transport.setHandler(for: .rangeRead, read)
        transport.setHandler(for: .filteredScan) { [storage] message in
            do {
                let command = try ScanMessageCodec.decodeCommand(message.payload)
                return .success(ScanMessageCodec.encode(try storage.scan(command)))
            } catch {
                return .failure("\(error)")
            }
        }
        installBatchlogHandlers()
    }

    /// A write timestamp in microseconds: the clock, but strictly increasing on this node so
    /// two writes from one coordinator never tie.
    public func nextTimestamp() -> Int64 {
        nextTimestamp(nowMicros: clock.nowMicros())
    }

    /// `nextTimestamp()` for a caller that has just read the clock (`now`, microseconds).
    public func nextTimestamp(nowMicros now: Int64) -> Int64 {
        lastTimestamp.withLock { last in
            last = max(now, last + 1)
            return last
        }
    }

    // MARK: Writes

    /// Applies `mutations` (each one partition), answering once every one of them is
    /// acknowledged by as many replicas as `consistency` needs.
    public func write(_ mutations: [Mutation], replication: KeyspaceReplication,
                      consistency: ConsistencyLevel) async throws(CoordinatorError) {
        let view = self.view()
        let map = replicaMap(replication, view: view)
        if mutations.count == 1, ReplicaSelection.thisNodeAloneSuffices(replicas: map.replicas(for: mutations[0].token),
                                                                         consistency: consistency, view: view) {
            try await applyInPlace(mutations[0], consistency: consistency)
            return
        }
        var plans: [(Mutation, ReplicaSelection)] = []
        for mutation in mutations {
            let replicas = map.replicas(for: mutation.token)
            do {
                plans.append((mutation, try ReplicaSelection(replicas: replicas, consistency: consistency, view: view, replication: replication)))
            } catch {
                // ANY is met by hints alone when no replica is alive.
                guard consistency == .any, hints != nil, !replicas.isEmpty else { throw error }
                for replica in replicas { storeHint(mutation, for: replica) }
            }
        }
        for (mutation, selection) in plans {
            for replica in selection.down { storeHint(mutation, for: replica) }
        }
        if plans.count == 1, plans[0].1.isThisNodeAlone(view) {
            try await applyInPlace(plans[0].0, consistency: consistency)
            return
        }
        let failure = await withTaskGroup(of: CoordinatorError?.self) { group -> CoordinatorError? in
            for (mutation, selection) in plans {
                group.addTask { () -> CoordinatorError? in
                    do throws(CoordinatorError) {
                        try await self.write(mutation, to: selection, consistency: consistency, view: view)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            for await case let error? in group {
                group.cancelAll()
                return error
            }
            return nil
        }
        if let failure { throw failure }
    }

    private func write(_ mutation: Mutation, to selection: ReplicaSelection, consistency: ConsistencyLevel,
                       view: ClusterView) async throws(CoordinatorError) {
        let payload = ReplicaMessageCodec.encode(mutation)
        // Every live replica gets the write, whether or not its acknowledgement is awaited:
        // the sends are not children of this call, so answering the client (or failing on
        // another partition) never cancels a write still on its way to a slow replica.
        let (outcomes, continuation) = AsyncStream<(HostID, String?)>.makeStream()
        for replica in selection.candidates + selection.uncounted {
            let counts = selection.candidates.contains(replica)
            Task.preferringInheritedExecutor {
                let failure = await self.send(mutation, payload: payload, to: replica, view: view)
                // Any miss leaves a hint, a refusal too: a replica that refused (still
                // starting, schema not yet there, a disk error) takes the write when it replays.
                if failure != nil, replica != view.localHost { self.storeHint(mutation, for: replica) }
                if counts { continuation.yield((replica, failure)) }
            }
        }
        var acked: [HostID] = []
        var failures: [String] = []
        for await (replica, failure) in outcomes {
            if let failure { failures.append(failure) } else { acked.append(replica) }
            if selection.isSatisfied(by: acked) { return }
            if acked.count + failures.count == selection.candidates.count { break }
        }
        continuation.finish()
        let real = failures.filter { !$0.hasPrefix(Self.timedOut) }
        if real.isEmpty { throw .writeTimeout(consistency, received: acked.count, blockFor: selection.blockFor) }
        throw .writeFailure(consistency, received: acked.count, blockFor: selection.blockFor, failures: real.count,
                            reason: real[0])
    }

    /// Applies a one-partition write in place, without suspending, when this node alone
    /// answers it at `consistency` and the write waits for no fsync: true once applied;
    /// false, with nothing applied, when it must go through `write`.
    public func writeInPlace(_ mutation: Mutation, replication: KeyspaceReplication,
                             consistency: ConsistencyLevel) throws(CoordinatorError) -> Bool {
        guard canWriteInPlace(token: mutation.token, replication: replication, consistency: consistency) else { return false }
        return try applyAtOnce(consistency: consistency) { try storage.applyWithoutWaiting(mutation) }
    }

    /// Whether a write to the partition of `partitionKey` at `consistency` is this node's
    /// alone to answer, so that `writeInPlace` may apply it.
    public func canWriteInPlace(partitionKey: [UInt8], replication: KeyspaceReplication,
                                consistency: ConsistencyLevel) -> Bool {
        canWriteInPlace(token: StoragePartitionKey.token(of: partitionKey), replication: replication, consistency: consistency)
    }

    /// `writeInPlace` of a write already encoded for the commit log, whose partition
    /// `canWriteInPlace` accepted. False, with nothing applied, when the storage would wait
    /// for an fsync or takes only mutations: the caller then makes the write a mutation.
    public func writeInPlace(_ write: SingleRowWrite, consistency: ConsistencyLevel) throws(CoordinatorError) -> Bool {
        try applyAtOnce(consistency: consistency) { try storage.applyWithoutWaiting(write) }
    }

    private func canWriteInPlace(token: Token, replication: KeyspaceReplication, consistency: ConsistencyLevel) -> Bool {
        let view = self.view()
        let isSoleReplica = replicaMap(replication, view: view).isSoleReplica(view.localHost, forToken: token)
        return ReplicaSelection.thisNodeAloneSuffices(isSoleReplica: isSoleReplica, consistency: consistency, view: view)
    }

    private func applyAtOnce(consistency: ConsistencyLevel, _ apply: () throws -> Bool) throws(CoordinatorError) -> Bool {
        do {
            return try apply()
        } catch {
            throw .writeFailure(consistency, received: 0, blockFor: 1, failures: 1, reason: "\(error)")
        }
    }

    /// One partition whose only live replica is this node (so the level blocks for its one
    /// answer): applied in place, without the tasks, stream and encoded message the general
    /// path needs.
    private func applyInPlace(_ mutation: Mutation, consistency: ConsistencyLevel) async throws(CoordinatorError) {
        do {
            try await storage.applyAwaitingSync(mutation)
        } catch {
            throw .writeFailure(consistency, received: 0, blockFor: 1, failures: 1, reason: "\(error)")
        }
    }

    static let timedOut = "timed out"

    /// Leaves a hint for a replica that missed `mutation`; a refused hint (the host's cap) is
    /// counted by the store, and read repair is then what brings the replica up to date.
    /// Returns whether the hint is stored.
    @discardableResult
    func storeHint(_ mutation: Mutation, for replica: HostID) -> Bool {
        guard let hints else { return false }
        return (try? hints.store(mutation, for: replica)) != nil
    }

    /// Nil on success, else why it failed (starting with `timedOut` for a timeout).
    func send(_ mutation: Mutation, payload: [UInt8], to replica: HostID, view: ClusterView) async -> String? {
        if replica == view.localHost {
            do {
                try await storage.applyAwaitingSync(mutation)
                return nil
            } catch {
                return "\(error)"
            }
        }
        guard let address = view.addresses[replica] else { return "no address for \(replica)" }
        do {
            _ = try await transport.request(payload, verb: .mutation, to: address)
            return nil
        } catch {
            return Self.describe(error)
        }
    }

    static func describe(_ error: MessagingError) -> String {
        switch error {
        case .timeout, .unreachable, .connectionLost, .queueFull, .cancelled, .closed: "\(timedOut): \(error)"
        case .remoteError(let message): message
        default: "\(error)"
        }
    }

    /// Truncates a table on every node of the ring; as in Cassandra, every node must be up.
    public func truncate(_ table: TableID) async throws(CoordinatorError) {
        let view = self.view()
        let members = Array(view.ring.nodes.keys)
        let down = members.filter { !view.alive.contains($0) }
        guard down.isEmpty else { throw .unavailable(.all, required: members.count, alive: members.count - down.count) }
        let payload = ReplicaMessageCodec.encode(table)
        let failures = await withTaskGroup(of: String?.self) { group -> [String] in
            for member in members {
                group.addTask {
                    if member == view.localHost {
                        do { try self.storage.truncate(table) } catch { return "\(error)" }
                        return nil
                    }
                    guard let address = view.addresses[member] else { return "no address for \(member)" }
                    do throws(MessagingError) {
                        _ = try await self.transport.request(payload, verb: .truncate, to: address)
                        return nil
                    } catch {
                        return Self.describe(error)
                    }
                }
            }
            var failures: [String] = []
            for await case let failure? in group { failures.append(failure) }
            return failures
        }
        if let first = failures.first {
            throw .writeFailure(.all, received: members.count - failures.count, blockFor: members.count,
                                failures: failures.count, reason: first)
        }
    }

    // MARK: Reads

    /// Reads one partition (or a slice of it) at `consistency`.
    public func read(_ command: ReadCommand, replication: KeyspaceReplication,
                     consistency: ConsistencyLevel) async throws(CoordinatorError) -> ReadResult {
        guard case .partition(let key, _, _) = command.selection else {
            throw .invalid("a partition read needs a partition selection")
        }
        let view = self.view()
        let replicas = replicaMap(replication, view: view).replicas(for: StoragePartitionKey.token(of: key))
        if let local = readLocally(command, replicas: replicas, consistency: consistency, view: view) { return local }
        let selection = try ReplicaSelection(replicas: replicas, consistency: consistency, view: view, replication: replication)
        if selection.thisNodeSuffices(view), let local = try? storage.read(command.digestOnly(false)) {
            return liveResult(local, after: command.after)
        }
        let merged = try await digestRead(command.digestOnly(false), from: selection, consistency: consistency, view: view)
        return liveResult(merged, after: command.after)
    }

    /// One whole row (`ReplicaStorage.readRow`) answered by this node alone (ONE or LOCAL_ONE
    /// with this node a replica), read in place without suspending: no tasks, no messages,
    /// and none of the selection, partition and result objects other reads build (perf: the
    /// point read's own path). `.needsReplicas` when the read needs the replica round (which
    /// also retries elsewhere after a local failure).
    public func readRowInPlace(table: TableID, partitionKey: [UInt8], clustering: [UInt8],
                               replication: KeyspaceReplication, consistency: ConsistencyLevel) -> LocalRowRead {
        guard servesAlone(partitionKey: partitionKey, replication: replication, consistency: consistency) else {
            return .needsReplicas
        }
        let merged: Row?
        do {
            merged = try storage.readRow(table: table, partitionKey: partitionKey, clustering: clustering)
        } catch {
            return .needsReplicas
        }
        guard var row = consume merged else { return .absent }
        row.removeDeadCells(nowSeconds: clock.nowSeconds())
        row.deletion = nil
        return row.cells.isEmpty ? .absent : .live(row)
    }

    /// Whether this node alone answers a read of the partition at `consistency`.
    private func servesAlone(partitionKey: [UInt8], replication: KeyspaceReplication,
                             consistency: ConsistencyLevel) -> Bool {
        let view = self.view()
        guard ReplicaSelection.thisNodeSuffices(asReplica: consistency, view: view) else { return false }
        // Asked of the map, not of a replica list: handing out the shared list counted its
        // references from every event loop, per request.
        return replicaMap(replication, view: view).contains(view.localHost, forToken: StoragePartitionKey.token(of: partitionKey))
    }

    /// The read answered by this node alone, when that suffices at `consistency`.
    private func readLocally(_ command: ReadCommand, replicas: [HostID], consistency: ConsistencyLevel,
                             view: ClusterView) -> ReadResult? {
        guard ReplicaSelection.thisNodeSuffices(replicas: replicas, consistency: consistency, view: view),
              let local = try? storage.read(command.digestOnly(false)) else { return nil }
        return liveResult(local, after: command.after)
    }

    /// Reads whole partitions with storage keys in `from..<to` (nil: open) in token order,
    /// after `after` if given, until `pageSize` live rows are collected or the range ends.
    public func readRange(table: TableID, from: [UInt8]? = nil, to: [UInt8]? = nil, after: RowPosition?, pageSize: Int,
                          replication: KeyspaceReplication,
                          consistency: ConsistencyLevel) async throws(CoordinatorError) -> ReadResult {
        let view = self.view()
        let map = replicaMap(replication, view: view)
        var partitions: [PartitionUpdate] = []
        var collected = 0
        var position = after
        for segment in RingSegments.segments(of: map, clippedTo: from, to) {
            if let position, let to = segment.to, !position.partitionKey.lexicographicallyPrecedes(to) { continue }
            if collected >= pageSize, let position { return ReadResult(partitions: partitions, nextPosition: position) }
            let selection = try ReplicaSelection(replicas: segment.replicas, consistency: consistency, view: view, replication: replication)
            while true {
                let room = pageSize - collected
                let command = ReadCommand(table: table, selection: .partitionRange(from: segment.from, to: segment.to),
                                          after: position, maxLiveRows: room)
                let merged = try await read(command, from: selection, consistency: consistency, view: view)
                var page = liveResult(merged, after: position)
                // Replicas that disagree can together hold more live rows than each was asked for.
                if page.rowCount > room { page = Self.trim(page, to: room) }
                Self.append(page.partitions, to: &partitions)
                collected += page.rowCount
                if let last = page.partitions.last, let row = last.rows.last {
                    position = RowPosition(partitionKey: last.partitionKey, clustering: row.clustering)
                }
                guard let next = page.nextPosition else { break }
                position = next
                if collected >= pageSize { return ReadResult(partitions: partitions, nextPosition: next) }
            }
        }
        return ReadResult(partitions: partitions, nextPosition: nil)
    }

    /// The first `rows` rows of `result`, continuing after the last of them.
    private static func trim(_ result: ReadResult, to rows: Int) -> ReadResult {
        var kept: [PartitionUpdate] = []
        var left = rows
        for var partition in result.partitions where left > 0 {
            partition.rows = Array(partition.rows.prefix(left))
            left -= partition.rows.count
            kept.append(partition)
        }
        let last = kept.last.map { RowPosition(partitionKey: $0.partitionKey, clustering: $0.rows.last?.clustering ?? []) }
        return ReadResult(partitions: kept, nextPosition: last ?? result.nextPosition)
    }

    /// Appends partitions, joining a continued partition to its first part.
    private static func append(_ more: [PartitionUpdate], to partitions: inout [PartitionUpdate]) {
        for partition in more {
            if let last = partitions.last, last.partitionKey == partition.partitionKey {
                partitions[partitions.count - 1].rows += partition.rows
            } else {
                partitions.append(partition)
            }
        }
    }

    private func liveResult(_ merged: ReadResponse, after: RowPosition?) -> ReadResult {
        let now = clock.nowSeconds()
        let live = merged.partitions.compactMap { ReadReconciler.liveView(of: $0, nowSeconds: now) }
        guard !merged.isExhausted else { return ReadResult(partitions: live, nextPosition: nil) }
        // A replica stopped at its limit: continue after the last row everyone has covered.
        guard let last = merged.lastPosition, last != after else { return ReadResult(partitions: live, nextPosition: nil) }
        return ReadResult(partitions: live, nextPosition: last)
    }

    /// How clients know a node: its address's host, or its id when the view has no address.
    public func hostName(_ host: HostID) -> String {
        view().addresses[host]?.host ?? "\(host)"
    }

    // MARK: Replica maps

    /// What a cached replica map was built for. Our strategies are keyed by their options;
    /// describing the strategy as a string, as this key once did, went through reflection on
    /// every request (6% of a node's CPU on point reads, perf). Other strategies still are.
    private struct ReplicaMapKey: Hashable, Sendable {
        enum Strategy: Hashable, Sendable {
            case simple(replicationFactor: Int)
            case networkTopology(replicationFactors: [String: Int])
            case described(String)
        }

        let keyspace: String
        let strategy: Strategy

        init(_ replication: KeyspaceReplication) {
            keyspace = replication.keyspace
            switch replication.strategy {
            case let simple as SimpleStrategy: strategy = .simple(replicationFactor: simple.replicationFactor)
            case let topology as NetworkTopologyStrategy:
                strategy = .networkTopology(replicationFactors: topology.replicationFactors)
            default: strategy = .described("\(replication.strategy)")
            }
        }
    }

    /// The keyspace's replica map for the view's ring, rebuilt only when the ring changed.
    func replicaMap(_ replication: KeyspaceReplication, view: ClusterView) -> ReplicaMap {
        if let last = replication.lastReplicaMap.map(for: view) { return last }
        let key = ReplicaMapKey(replication)
        if let cached = replicaMaps.withLock({ $0[key] }), cached.ring.tokens == view.ring.tokens,
           cached.ring.owners == view.ring.owners {
            replication.lastReplicaMap.remember(cached, for: view)
            return cached
        }
        let map = ReplicaMap(ring: view.ring, strategy: replication.strategy)
        replicaMaps.withLock { maps in
            if maps.count > 1024 { maps.removeAll() }
            maps[key] = map
        }
        replication.lastReplicaMap.remember(map, for: view)
        return map
    }
}
